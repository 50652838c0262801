#include "zp/pg/connection.h"

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "zp/core/status.h"

namespace zp::pg {
namespace {

constexpr absl::string_view kReason = core::kDatabaseErrorReason;

absl::StatusCode CodeForSqlState(absl::string_view state) {
  if (state == "23505") {
    return absl::StatusCode::kAlreadyExists;
  }
  if (absl::StartsWith(state, "23")) {
    return absl::StatusCode::kFailedPrecondition;
  }
  if (state == "40001" || state == "40P01" || state == "55P03") {
    return absl::StatusCode::kAborted;
  }
  if (absl::StartsWith(state, "08") || state == "57P01" || state == "57P02" || state == "57P03" ||
      state == "53300") {
    return absl::StatusCode::kUnavailable;
  }
  if (state == "57014") {
    return absl::StatusCode::kDeadlineExceeded;
  }
  if (absl::StartsWith(state, "22")) {
    return absl::StatusCode::kInvalidArgument;
  }
  return absl::StatusCode::kInternal;
}

std::string FieldOf(const PGresult* result, int field) {
  const char* v = result == nullptr ? nullptr : PQresultErrorField(result, field);
  return v == nullptr ? std::string() : std::string(v);
}

}  // namespace

absl::Status StatusFromResult(const PGresult* result, PGconn* conn) {
  std::string state = FieldOf(result, PG_DIAG_SQLSTATE);
  std::string message = result != nullptr ? PQresultErrorMessage(result) : "";
  if (message.empty() && conn != nullptr) {
    message = PQerrorMessage(conn);
  }
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) {
    message.pop_back();
  }
  absl::StatusCode code = CodeForSqlState(state);
  if (state.empty() && conn != nullptr && PQstatus(conn) != CONNECTION_OK) {
    code = absl::StatusCode::kUnavailable;
  }
  if (state.empty() && result == nullptr) {
    code = absl::StatusCode::kUnavailable;
  }
  std::map<std::string, std::string> metadata;
  if (!state.empty()) {
    metadata["sqlstate"] = state;
  }
  if (std::string c = FieldOf(result, PG_DIAG_CONSTRAINT_NAME); !c.empty()) {
    metadata["constraint"] = c;
  }
  return core::ErrorWithReason(code, absl::StrCat("database: ", message), kReason, metadata);
}

std::string SqlStateOf(const absl::Status& status) {
  auto metadata = core::ErrorMetadataOf(status);
  return metadata["sqlstate"];
}

std::string ConstraintOf(const absl::Status& status) {
  auto metadata = core::ErrorMetadataOf(status);
  return metadata["constraint"];
}

absl::StatusOr<std::unique_ptr<Connection>> Connection::Open(
    const std::string& conninfo, const std::map<std::string, std::string>& overrides,
    absl::Duration connect_timeout) {
  std::vector<const char*> keys = {"dbname", "connect_timeout", "application_name"};
  std::string timeout = std::to_string(std::max<int64_t>(1, absl::ToInt64Seconds(connect_timeout)));
  std::vector<const char*> values = {conninfo.c_str(), timeout.c_str(), "zeropapier"};
  for (const auto& [k, v] : overrides) {
    keys.push_back(k.c_str());
    values.push_back(v.c_str());
  }
  keys.push_back(nullptr);
  values.push_back(nullptr);
  PgConnPtr conn(PQconnectdbParams(keys.data(), values.data(), /*expand_dbname=*/1));
  if (conn == nullptr) {
    return absl::UnavailableError("database: out of memory");
  }
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    std::string message = PQerrorMessage(conn.get());
    while (!message.empty() && message.back() == '\n') {
      message.pop_back();
    }
    return absl::UnavailableError(absl::StrCat("database: cannot connect: ", message));
  }
  return std::unique_ptr<Connection>(new Connection(std::move(conn)));
}

absl::StatusOr<Result> Connection::Finish(PGresult* raw) {
  PgResultPtr result(raw);
  ExecStatusType st = result == nullptr ? PGRES_FATAL_ERROR : PQresultStatus(result.get());
  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
    return Result(std::move(result));
  }
  return StatusFromResult(result.get(), conn_.get());
}

namespace {
struct RawParams {
  std::vector<const char*> values;
  std::vector<int> lengths;
  std::vector<int> formats;
  explicit RawParams(const Params& params) {
    for (const Param& p : params) {
      values.push_back(p.value().has_value() ? p.value()->data() : nullptr);
      lengths.push_back(p.value().has_value() ? static_cast<int>(p.value()->size()) : 0);
      formats.push_back(p.binary() ? 1 : 0);
    }
  }
};
}  // namespace

absl::Status Connection::Prepare(const Query& query) {
  if (prepared_.contains(query.name)) return absl::OkStatus();
  std::string name(query.name);
  std::string sql(query.sql);
  PgResultPtr prep(PQprepare(conn_.get(), name.c_str(), sql.c_str(), 0, nullptr));
  if (prep == nullptr || PQresultStatus(prep.get()) != PGRES_COMMAND_OK) {
    return StatusFromResult(prep.get(), conn_.get());
  }
  prepared_.insert(name);
  return absl::OkStatus();
}

absl::StatusOr<Result> Connection::ExecPipeline(const std::vector<Statement>& statements) {
  if (statements.empty()) return absl::InvalidArgumentError("database: an empty pipeline");
  for (const Statement& s : statements) {
    if (s.query != nullptr) RETURN_IF_ERROR(Prepare(*s.query));
  }
  PGconn* c = conn_.get();
  if (PQenterPipelineMode(c) != 1) {
    return absl::InternalError(absl::StrCat("database: pipeline mode: ", PQerrorMessage(c)));
  }
  size_t sent = 0;
  for (const Statement& s : statements) {
    RawParams raw(s.params);
    const int n = static_cast<int>(s.params.size());
    const int ok =
        s.query != nullptr
            ? PQsendQueryPrepared(c, std::string(s.query->name).c_str(), n, raw.values.data(),
                                  raw.lengths.data(), raw.formats.data(), 0)
            : PQsendQueryParams(c, s.sql.c_str(), n, nullptr, raw.values.data(), raw.lengths.data(),
                                raw.formats.data(), 0);
    if (ok != 1) break;
    ++sent;
  }
  const bool synced = PQpipelineSync(c) == 1;
  absl::Status first_error;
  std::optional<Result> last;
  // Each statement's results end with a null; the pipeline ends with PGRES_PIPELINE_SYNC.
  for (size_t i = 0; i < sent; ++i) {
    while (PGresult* raw = PQgetResult(c)) {
      PgResultPtr r(raw);
      const ExecStatusType st = PQresultStatus(raw);
      if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
        if (i + 1 == statements.size()) last.emplace(std::move(r));
      } else if (st != PGRES_PIPELINE_ABORTED && first_error.ok()) {
        first_error = StatusFromResult(raw, c);
      }
    }
  }
  if (synced) {
    while (PGresult* raw = PQgetResult(c)) {
      PgResultPtr r(raw);
      if (PQresultStatus(raw) == PGRES_PIPELINE_SYNC) break;
    }
  }
  if (PQexitPipelineMode(c) != 1 && first_error.ok()) {
    first_error = absl::InternalError(absl::StrCat("database: pipeline mode: ", PQerrorMessage(c)));
  }
  if (!first_error.ok()) return first_error;
  if (sent < statements.size() || !synced) {
    return absl::UnavailableError(absl::StrCat("database: cannot send: ", PQerrorMessage(c)));
  }
  if (!last.has_value()) return absl::InternalError("database: no result for the pipeline");
  return *std::move(last);
}

absl::StatusOr<Result> Connection::Exec(const Query& query, const Params& params) {
  RETURN_IF_ERROR(Prepare(query));
  RawParams raw(params);
  std::string name(query.name);
  return Finish(PQexecPrepared(conn_.get(), name.c_str(), static_cast<int>(params.size()),
                               raw.values.data(), raw.lengths.data(), raw.formats.data(), 0));
}

absl::StatusOr<Result> Connection::Exec(absl::string_view sql, const Params& params) {
  RawParams raw(params);
  std::string text(sql);
  return Finish(PQexecParams(conn_.get(), text.c_str(), static_cast<int>(params.size()), nullptr,
                             raw.values.data(), raw.lengths.data(), raw.formats.data(), 0));
}

absl::Status Connection::ExecScript(absl::string_view sql) {
  std::string text(sql);
  PgResultPtr result(PQexec(conn_.get(), text.c_str()));
  ExecStatusType st = result == nullptr ? PGRES_FATAL_ERROR : PQresultStatus(result.get());
  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
    return absl::OkStatus();
  }
  return StatusFromResult(result.get(), conn_.get());
}

bool Connection::Broken() const {
  return PQstatus(conn_.get()) != CONNECTION_OK || PQtransactionStatus(conn_.get()) != PQTRANS_IDLE;
}

std::string ByteaText(absl::string_view bytes) {
  return absl::StrCat("\\x", absl::BytesToHexString(bytes));
}

namespace {

void AppendArrayElement(std::string& out, absl::string_view item) {
  out.push_back('"');
  for (char ch : item) {
    if (ch == '"' || ch == '\\') out.push_back('\\');
    out.push_back(ch);
  }
  out.push_back('"');
}

}  // namespace

std::string TextArray(const std::vector<std::string>& items) {
  std::string out = "{";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out.push_back(',');
    AppendArrayElement(out, items[i]);
  }
  out.push_back('}');
  return out;
}

std::string TextArray(const std::vector<std::optional<std::string>>& items) {
  std::string out = "{";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out.push_back(',');
    if (items[i].has_value()) {
      AppendArrayElement(out, *items[i]);
    } else {
      out.append("NULL");
    }
  }
  out.push_back('}');
  return out;
}

std::vector<std::string> ParseTextArray(absl::string_view text) {
  absl::ConsumePrefix(&text, "{");
  absl::ConsumeSuffix(&text, "}");
  std::vector<std::string> out;
  if (text.empty()) return out;
  std::string current;
  bool quoted = false;
  bool escaped = false;
  for (char c : text) {
    if (escaped) {
      current.push_back(c);
      escaped = false;
    } else if (c == '\\') {
      escaped = true;
    } else if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      out.push_back(std::move(current));
      current.clear();
    } else {
      current.push_back(c);
    }
  }
  out.push_back(std::move(current));
  return out;
}

absl::Status EnsureDatabase(const std::string& server_url, const std::string& name) {
  if (name.empty() ||
      name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") != std::string::npos) {
    return absl::InvalidArgumentError(absl::StrCat("database name '", name, "': [a-z0-9_]+"));
  }
  ASSIGN_OR_RETURN(std::unique_ptr<Connection> admin, Connection::Open(server_url));
  ASSIGN_OR_RETURN(Result found,
                   admin->Exec("SELECT 1 FROM pg_database WHERE datname = $1", {name}));
  if (found.rows() == 1) return absl::OkStatus();
  absl::Status created = admin->ExecScript(absl::StrCat("CREATE DATABASE ", name));
  if (!created.ok() && SqlStateOf(created) != "42P04") return created;  // 42P04: created meanwhile
  return absl::OkStatus();
}

}  // namespace zp::pg
