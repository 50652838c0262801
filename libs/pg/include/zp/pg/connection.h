#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "zp/pg/result.h"

namespace zp::pg {

// A named SQL statement, declared as a constant next to the code that uses it. It is prepared once
// per connection under its name and executed with $n parameters only.
struct Query {
  absl::string_view name;
  absl::string_view sql;
};

// One statement parameter in text form (NULL when empty), or raw bytes for a bytea column.
class Param {
 public:
  Param(std::nullptr_t) {}                                             // NOLINT: NULL
  Param(absl::string_view text) : value_(std::string(text)) {}         // NOLINT
  Param(const std::string& text) : value_(text) {}                     // NOLINT
  Param(const char* text) : value_(std::string(text)) {}               // NOLINT
  Param(int64_t n) : value_(std::to_string(n)) {}                      // NOLINT
  Param(int n) : value_(std::to_string(n)) {}                          // NOLINT
  Param(bool b) : value_(b ? "true" : "false") {}                      // NOLINT
  Param(std::optional<std::string> text) : value_(std::move(text)) {}  // NOLINT
  static Param Bytes(absl::string_view bytes) {
    Param p{std::string(bytes)};
    p.binary_ = true;
    return p;
  }
  const std::optional<std::string>& value() const { return value_; }
  bool binary() const { return binary_; }

 private:
  std::optional<std::string> value_;
  bool binary_ = false;
};
using Params = std::vector<Param>;

struct PgConnDeleter {
  void operator()(PGconn* c) const { PQfinish(c); }
};
using PgConnPtr = std::unique_ptr<PGconn, PgConnDeleter>;

// The status of a failed libpq call, by SQLSTATE: unique violation -> ALREADY_EXISTS, other
// integrity violations -> FAILED_PRECONDITION, serialization failure and deadlock -> ABORTED, lost
// or refused connections and server shutdown -> UNAVAILABLE, the rest -> INTERNAL. The SQLSTATE and
// constraint name are kept in an ErrorInfo (reason DATABASE_ERROR).
absl::Status StatusFromResult(const PGresult* result, PGconn* conn);
// The SQLSTATE carried by a status made by StatusFromResult, or "".
std::string SqlStateOf(const absl::Status& status);
std::string ConstraintOf(const absl::Status& status);

// One libpq connection. Not thread-safe: one user at a time (the pool guarantees it).
// A PostgreSQL text[] literal of `items`, each element quoted (for `$n::text[]` parameters).
std::string TextArray(const std::vector<std::string>& items);
// The same, with NULL elements.
std::string TextArray(const std::vector<std::optional<std::string>>& items);
// Bytes in bytea's text input form ("\\x" + hex), for elements of TextArray cast to bytea[].
std::string ByteaText(absl::string_view bytes);
// The elements of a one-dimensional array in PostgreSQL's text output ('{a,"b c","d\\"e"}'):
// quotes and backslash escapes undone; the inverse of TextArray (NULL elements are not expected).
std::vector<std::string> ParseTextArray(absl::string_view text);

// Creates database `name` on the server at `server_url` unless it exists (local runs; in
// Kubernetes the operator creates it). `name`: [a-z0-9_]+.
absl::Status EnsureDatabase(const std::string& server_url, const std::string& name);

class Connection {
 public:
  // `conninfo` is a libpq URL or keyword string; `overrides` replace its keywords (e.g. dbname).
  static absl::StatusOr<std::unique_ptr<Connection>> Open(
      const std::string& conninfo, const std::map<std::string, std::string>& overrides = {},
      absl::Duration connect_timeout = absl::Seconds(5));

  absl::StatusOr<Result> Exec(const Query& query, const Params& params = {});
  // An ad-hoc statement (schema scripts, tests, tools); services use named Query constants.
  absl::StatusOr<Result> Exec(absl::string_view sql, const Params& params = {});

  // A statement of a pipeline: a named query, or SQL text when `query` is null.
  struct Statement {
    const Query* query = nullptr;
    std::string sql;
    Params params;
  };
  // Sends every statement and reads their results in one round trip (libpq pipeline mode).
  // Returns the last statement's result, or the first error (the statements after it are not
  // run; inside a transaction block, the transaction is then failed).
  absl::StatusOr<Result> ExecPipeline(const std::vector<Statement>& statements);
  // Several statements separated by semicolons, without parameters.
  absl::Status ExecScript(absl::string_view sql);

  // True when the connection cannot be used again (lost, or left inside a transaction).
  bool Broken() const;
  PGconn* raw() { return conn_.get(); }
  int64_t server_pid() const { return PQbackendPID(conn_.get()); }

 private:
  explicit Connection(PgConnPtr conn) : conn_(std::move(conn)) {}
  absl::StatusOr<Result> Finish(PGresult* raw);
  absl::Status Prepare(const Query& query);

  PgConnPtr conn_;
  std::set<std::string, std::less<>> prepared_;
};

}  // namespace zp::pg
