#include "zp/pg/pool.h"

#include "absl/strings/str_cat.h"

namespace zp::pg {

PooledConnection::~PooledConnection() {
  if (pool_ != nullptr && conn_ != nullptr) {
    pool_->Release(std::move(conn_));
  }
}

Pool::~Pool() {
  absl::MutexLock lock(&mu_);
  idle_.clear();
}

absl::StatusOr<PooledConnection> Pool::Acquire() {
  {
    absl::MutexLock lock(&mu_);
    auto available = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
      return !idle_.empty() || open_ < options_.size;
    };
    if (!mu_.AwaitWithTimeout(absl::Condition(&available), options_.acquire_timeout)) {
      return absl::UnavailableError(absl::StrCat("database: all ", options_.size,
                                                 " pool connections busy for ",
                                                 absl::FormatDuration(options_.acquire_timeout)));
    }
    ++in_use_;
    UpdateGauge();
    if (!idle_.empty()) {
      std::unique_ptr<Connection> conn = std::move(idle_.back());
      idle_.pop_back();
      return PooledConnection(this, std::move(conn));
    }
    ++open_;
  }
  // Connect outside the lock: a slow or refused connect must not stall the other callers.
  absl::StatusOr<std::unique_ptr<Connection>> conn =
      Connection::Open(options_.conninfo, options_.overrides, options_.connect_timeout);
  if (!conn.ok()) {
    absl::MutexLock lock(&mu_);
    --open_;
    --in_use_;
    UpdateGauge();
    return conn.status();
  }
  return PooledConnection(this, *std::move(conn));
}

void Pool::Release(std::unique_ptr<Connection> conn) {
  bool broken = conn->Broken();
  if (broken) {
    conn.reset();  // closes outside the lock
  }
  absl::MutexLock lock(&mu_);
  --in_use_;
  if (broken) {
    --open_;
  } else {
    idle_.push_back(std::move(conn));
  }
  UpdateGauge();
}

void Pool::UpdateGauge() {
  if (options_.in_use_gauge != nullptr) {
    options_.in_use_gauge->Set(in_use_);
  }
}

absl::StatusOr<Result> Pool::Exec(const Query& query, const Params& params) {
  absl::StatusOr<PooledConnection> conn = Acquire();
  if (!conn.ok()) {
    return conn.status();
  }
  return (*conn)->Exec(query, params);
}

absl::Status Pool::Ping() {
  static constexpr Query kPing{"zp_pool_ping", "SELECT 1"};
  absl::StatusOr<Result> r = Exec(kPing);
  return r.ok() ? absl::OkStatus() : r.status();
}

int Pool::in_use() const {
  absl::MutexLock lock(&mu_);
  return in_use_;
}

int Pool::open() const {
  absl::MutexLock lock(&mu_);
  return open_;
}

}  // namespace zp::pg
