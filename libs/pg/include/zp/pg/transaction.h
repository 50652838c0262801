#pragma once

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "zp/pg/pool.h"

namespace zp::pg {

enum class Isolation { kReadCommitted, kRepeatableRead, kSerializable };

// A database transaction on a pooled connection. Destroying it without Commit() rolls it back, so
// an early return on error never leaves anything half-written.
class Transaction {
 public:
  static absl::StatusOr<Transaction> Begin(Pool& pool,
                                           Isolation isolation = Isolation::kReadCommitted);
  Transaction(Transaction&& other) noexcept
      : conn_(std::move(other.conn_)),
        open_(std::exchange(other.open_, false)),
        once_(std::move(other.once_)),
        after_commit_(std::move(other.after_commit_)),
        later_(std::move(other.later_)),
        later_error_(std::move(other.later_error_)),
        pool_(other.pool_),
        begin_pending_(other.begin_pending_) {}
  Transaction& operator=(Transaction&&) = delete;
  ~Transaction();

  absl::StatusOr<Result> Exec(const Query& query, const Params& params = {});
  absl::StatusOr<Result> Exec(absl::string_view sql, const Params& params = {});
  // A statement whose result the caller does not need (an outbox row, an audit row, a stored
  // response): sent with the next statement or with COMMIT, in one round trip (pipeline mode).
  // Its error, if any, is the error of that statement or of Commit().
  void ExecLater(const Query& query, Params params);
  absl::Status Commit();
  absl::Status Rollback();
  // The connection, for code that takes one; statements waiting in ExecLater are sent first.
  Connection& connection();
  // True the first time `key` is given in this transaction: lets a component do something once
  // per transaction (the outbox sends one NOTIFY however many events it appends).
  bool FirstTime(absl::string_view key) { return once_.insert(std::string(key)).second; }
  // Runs `fn` after a successful COMMIT (never after a rollback), in the committing thread.
  void AfterCommit(std::function<void()> fn) { after_commit_.push_back(std::move(fn)); }

 private:
  explicit Transaction(PooledConnection conn) : conn_(std::move(conn)) {}
  // Sends the waiting statements (BEGIN first, until it has been sent) and `last`, if given.
  absl::StatusOr<Result> SendLater(std::optional<Connection::Statement> last);

  std::optional<PooledConnection> conn_;
  bool open_ = true;
  std::set<std::string> once_;
  std::vector<std::function<void()>> after_commit_;
  std::vector<Connection::Statement> later_;
  absl::Status later_error_;
  Pool* pool_ = nullptr;
  // BEGIN waits in later_ and travels with the first statement.
  bool begin_pending_ = false;
};

// Runs `fn` in a transaction and commits it; rolls back when `fn` fails. Retries the whole
// transaction (up to `attempts` times) on serialization failures and deadlocks (ABORTED).
absl::Status RunInTransaction(Pool& pool, const std::function<absl::Status(Transaction&)>& fn,
                              Isolation isolation = Isolation::kReadCommitted, int attempts = 3);

}  // namespace zp::pg
