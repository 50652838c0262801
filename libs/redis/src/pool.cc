#include "zp/redis/pool.h"

#include "absl/strings/str_cat.h"

namespace zp::redis {

absl::StatusOr<std::unique_ptr<Connection>> Pool::Acquire() {
  {
    absl::MutexLock lock(&mu_);
    auto available = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
      return !idle_.empty() || open_ < options_.pool_size;
    };
    if (!mu_.AwaitWithTimeout(absl::Condition(&available), options_.acquire_timeout)) {
      return absl::UnavailableError("redis: all pool connections busy");
    }
    if (!idle_.empty()) {
      std::unique_ptr<Connection> conn = std::move(idle_.back());
      idle_.pop_back();
      return conn;
    }
    ++open_;
  }
  absl::StatusOr<std::unique_ptr<Connection>> conn = Connection::Open(options_);
  if (!conn.ok()) {
    absl::MutexLock lock(&mu_);
    --open_;
  }
  return conn;
}

void Pool::Release(std::unique_ptr<Connection> conn) {
  absl::MutexLock lock(&mu_);
  if (conn->broken()) {
    --open_;
    return;
  }
  idle_.push_back(std::move(conn));
}

absl::StatusOr<ReplyPtr> Pool::Command(const std::vector<std::string>& args) {
  absl::StatusOr<std::unique_ptr<Connection>> conn = Acquire();
  if (!conn.ok()) {
    return conn.status();
  }
  absl::StatusOr<ReplyPtr> reply = (*conn)->Command(args);
  Release(*std::move(conn));
  return reply;
}

}  // namespace zp::redis
