#include "zp/pg/transaction.h"

#include "absl/strings/string_view.h"
#include "zp/core/status.h"
#include "zp/log/log.h"

namespace zp::pg {
namespace {

absl::string_view BeginStatement(Isolation isolation) {
  switch (isolation) {
    case Isolation::kReadCommitted:
      return "BEGIN ISOLATION LEVEL READ COMMITTED";
    case Isolation::kRepeatableRead:
      return "BEGIN ISOLATION LEVEL REPEATABLE READ";
    case Isolation::kSerializable:
      return "BEGIN ISOLATION LEVEL SERIALIZABLE";
  }
  return "BEGIN";
}

}  // namespace

absl::StatusOr<Transaction> Transaction::Begin(Pool& pool, Isolation isolation) {
  // BEGIN is not sent now: it travels with the transaction's first statement (one round trip).
  ASSIGN_OR_RETURN(PooledConnection conn, pool.Acquire());
  Transaction tx(std::move(conn));
  tx.pool_ = &pool;
  tx.begin_pending_ = true;
  tx.later_.push_back({nullptr, std::string(BeginStatement(isolation)), {}});
  return tx;
}

absl::StatusOr<Result> Transaction::SendLater(std::optional<Connection::Statement> last) {
  std::vector<Connection::Statement> statements = std::exchange(later_, {});
  if (last.has_value()) statements.push_back(*std::move(last));
  absl::StatusOr<Result> result = (*conn_)->ExecPipeline(statements);
  // An idle connection may have been cut while it waited (server restart). When nothing of the
  // transaction reached the server yet, it starts again once on a fresh connection.
  if (!result.ok() && begin_pending_ && result.status().code() == absl::StatusCode::kUnavailable &&
      (*conn_)->Broken() && pool_ != nullptr) {
    conn_.reset();
    absl::StatusOr<PooledConnection> fresh = pool_->Acquire();
    if (!fresh.ok()) {
      open_ = false;
      return fresh.status();
    }
    conn_.emplace(*std::move(fresh));
    result = (*conn_)->ExecPipeline(statements);
  }
  begin_pending_ = false;
  return result;
}

Transaction::~Transaction() {
  if (conn_.has_value() && open_) {
    (void)Rollback();
  }
}

absl::StatusOr<Result> Transaction::Exec(const Query& query, const Params& params) {
  if (!open_) {
    return absl::FailedPreconditionError("transaction already finished");
  }
  if (!later_error_.ok()) return later_error_;
  if (later_.empty()) return (*conn_)->Exec(query, params);
  return SendLater(Connection::Statement{&query, "", params});
}

absl::StatusOr<Result> Transaction::Exec(absl::string_view sql, const Params& params) {
  if (!open_) {
    return absl::FailedPreconditionError("transaction already finished");
  }
  if (!later_error_.ok()) return later_error_;
  if (later_.empty()) return (*conn_)->Exec(sql, params);
  return SendLater(Connection::Statement{nullptr, std::string(sql), params});
}

void Transaction::ExecLater(const Query& query, Params params) {
  later_.push_back({&query, "", std::move(params)});
}

Connection& Transaction::connection() {
  if (!later_.empty() && later_error_.ok() && open_) {
    absl::StatusOr<Result> sent = SendLater(std::nullopt);
    if (!sent.ok()) later_error_ = sent.status();  // reported by the next Exec or Commit
  }
  return **conn_;
}

absl::Status Transaction::Commit() {
  if (!open_) {
    return absl::FailedPreconditionError("transaction already finished");
  }
  open_ = false;
  if (!later_error_.ok() || !later_.empty()) {
    absl::Status status = later_error_;
    if (status.ok()) {
      // The waiting statements and COMMIT in one round trip.
      absl::StatusOr<Result> committed = SendLater(Connection::Statement{nullptr, "COMMIT", {}});
      if (committed.ok() && committed->CommandStatus() == "ROLLBACK") {
        status = absl::AbortedError("database: transaction was rolled back at COMMIT");
      } else {
        status = committed.status();
      }
    }
    if (!status.ok()) {
      // A statement failed: the transaction block is failed (COMMIT was not run); end it.
      PgResultPtr rollback(PQexec((*conn_)->raw(), "ROLLBACK"));
      later_.clear();
      return status;
    }
    for (const auto& fn : after_commit_) fn();
    after_commit_.clear();
    return absl::OkStatus();
  }
  PgResultPtr r(PQexec((*conn_)->raw(), "COMMIT"));
  if (r == nullptr || PQresultStatus(r.get()) != PGRES_COMMAND_OK) {
    return StatusFromResult(r.get(), (*conn_)->raw());
  }
  // COMMIT of a transaction that had failed answers ROLLBACK: report it, never a silent loss.
  if (absl::string_view(PQcmdStatus(r.get())) == "ROLLBACK") {
    return absl::AbortedError("database: transaction was rolled back at COMMIT");
  }
  for (const auto& fn : after_commit_) fn();
  after_commit_.clear();
  return absl::OkStatus();
}

absl::Status Transaction::Rollback() {
  if (!open_) {
    return absl::OkStatus();
  }
  open_ = false;
  later_.clear();
  if (begin_pending_) return absl::OkStatus();  // nothing was sent: nothing to roll back
  return (*conn_)->ExecScript("ROLLBACK");
}

absl::Status RunInTransaction(Pool& pool, const std::function<absl::Status(Transaction&)>& fn,
                              Isolation isolation, int attempts) {
  absl::Status status;
  for (int i = 0; i < attempts; ++i) {
    absl::StatusOr<Transaction> tx = Transaction::Begin(pool, isolation);
    if (!tx.ok()) {
      return tx.status();
    }
    status = fn(*tx);
    if (status.ok()) {
      status = tx->Commit();
    }
    if (status.code() != absl::StatusCode::kAborted) {
      return status;
    }
    spdlog::debug("transaction aborted ({}), retrying", status.message());
  }
  return status;
}

}  // namespace zp::pg
