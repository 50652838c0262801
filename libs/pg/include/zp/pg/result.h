#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace zp::pg {

struct PgResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using PgResultPtr = std::unique_ptr<PGresult, PgResultDeleter>;

// The rows of a successful statement (text format). Columns are addressed by index.
class Result {
 public:
  explicit Result(PgResultPtr result) : result_(std::move(result)) {}

  int rows() const { return PQntuples(result_.get()); }
  // The command tag ("INSERT 0 1", "COMMIT", "ROLLBACK"...).
  absl::string_view CommandStatus() const { return PQcmdStatus(result_.get()); }
  int columns() const { return PQnfields(result_.get()); }
  // Rows changed by INSERT/UPDATE/DELETE.
  int64_t affected() const;
  bool IsNull(int row, int col) const { return PQgetisnull(result_.get(), row, col) == 1; }
  absl::string_view Text(int row, int col) const;
  std::optional<std::string> OptionalText(int row, int col) const;
  int64_t Int(int row, int col) const;
  double Double(int row, int col) const;  // 0 when NULL or not a number
  bool Bool(int row, int col) const { return Text(row, col) == "t"; }
  // A bytea column, decoded from its text form.
  std::string Bytes(int row, int col) const;
  int ColumnIndex(const char* name) const { return PQfnumber(result_.get(), name); }

 private:
  PgResultPtr result_;
};

}  // namespace zp::pg
