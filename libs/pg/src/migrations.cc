#include "zp/pg/migrations.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "zp/core/files.h"
#include "zp/core/status.h"
#include "zp/log/log.h"

namespace zp::pg {
namespace {

// "zpmigrat" as a 64-bit advisory lock key, shared by every service (each has its own database).
constexpr int64_t kMigrationLockKey = 0x7a706d6967726174;

constexpr absl::string_view kCreateTable = R"sql(
CREATE TABLE IF NOT EXISTS schema_migrations (
  component  text        NOT NULL,
  version    integer     NOT NULL,
  name       text        NOT NULL,
  checksum   text        NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (component, version)
))sql";

constexpr Query kRecorded{"zp_migrations_recorded",
                          "SELECT component, version, checksum FROM schema_migrations"};
constexpr Query kRecord{"zp_migrations_record",
                        "INSERT INTO schema_migrations (component, version, name, checksum) "
                        "VALUES ($1, $2, $3, $4)"};

}  // namespace

absl::StatusOr<std::vector<Migration>> MigrationsFromFiles(
    const std::string& component, const std::vector<core::EmbeddedFile>& files) {
  std::vector<Migration> out;
  for (const core::EmbeddedFile& f : files) {
    size_t underscore = f.name.find('_');
    int version = 0;
    if (underscore == absl::string_view::npos ||
        !absl::SimpleAtoi(f.name.substr(0, underscore), &version) || version <= 0 ||
        !absl::EndsWith(f.name, ".sql")) {
      return absl::InvalidArgumentError(
          absl::StrCat("migration file ", f.name, " is not named NNNN_description.sql"));
    }
    out.push_back({component, version, std::string(f.name), std::string(f.content)});
  }
  std::sort(out.begin(), out.end(),
            [](const Migration& a, const Migration& b) { return a.version < b.version; });
  for (size_t i = 1; i < out.size(); ++i) {
    if (out[i].version == out[i - 1].version) {
      return absl::InvalidArgumentError(
          absl::StrCat("two migrations of ", component, " have version ", out[i].version));
    }
  }
  return out;
}

absl::StatusOr<MigrationReport> ApplyMigrations(Connection& conn,
                                                const std::vector<Migration>& migrations) {
  RETURN_IF_ERROR(
      conn.ExecScript(absl::StrCat("SELECT pg_advisory_lock(", kMigrationLockKey, ")")));
  auto unlock = [&conn] {
    (void)conn.ExecScript(absl::StrCat("SELECT pg_advisory_unlock(", kMigrationLockKey, ")"));
  };
  auto run = [&]() -> absl::StatusOr<MigrationReport> {
    RETURN_IF_ERROR(conn.ExecScript(kCreateTable));
    ASSIGN_OR_RETURN(Result recorded, conn.Exec(kRecorded));
    std::map<std::pair<std::string, int>, std::string> checksums;
    for (int r = 0; r < recorded.rows(); ++r) {
      checksums[{std::string(recorded.Text(r, 0)), static_cast<int>(recorded.Int(r, 1))}] =
          std::string(recorded.Text(r, 2));
    }
    MigrationReport report;
    for (const Migration& m : migrations) {
      std::string checksum = core::Sha256Hex(m.sql);
      auto it = checksums.find({m.component, m.version});
      if (it != checksums.end()) {
        if (it->second != checksum) {
          return core::ErrorWithReason(
              absl::StatusCode::kFailedPrecondition,
              absl::StrCat("migration ", m.component, "/", m.name,
                           " was changed after it was applied; add a new migration instead"),
              "MIGRATION_CHECKSUM_MISMATCH", {{"component", m.component}, {"migration", m.name}});
        }
        ++report.already_applied;
        continue;
      }
      RETURN_IF_ERROR(conn.ExecScript("BEGIN"));
      absl::Status applied = conn.ExecScript(m.sql);
      if (applied.ok()) {
        applied = conn.Exec(kRecord, {m.component, m.version, m.name, checksum}).status();
      }
      if (!applied.ok()) {
        (void)conn.ExecScript("ROLLBACK");
        return absl::Status(applied.code(), absl::StrCat("migration ", m.component, "/", m.name,
                                                         ": ", applied.message()));
      }
      RETURN_IF_ERROR(conn.ExecScript("COMMIT"));
      spdlog::info("applied migration {}/{}", m.component, m.name);
      ++report.applied;
    }
    return report;
  };
  absl::StatusOr<MigrationReport> report = run();
  unlock();
  return report;
}

}  // namespace zp::pg
