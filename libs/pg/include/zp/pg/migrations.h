#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "zp/core/embedded_file.h"
#include "zp/pg/connection.h"

namespace zp::pg {

// One schema change. `component` separates the service's own migrations from those of shared
// libraries (the events outbox, the audit trail), each numbered from 1.
struct Migration {
  std::string component;
  int version = 0;
  std::string name;
  std::string sql;
};

// Migrations from files named NNNN_description.sql (embedded with zp_embed_files).
absl::StatusOr<std::vector<Migration>> MigrationsFromFiles(
    const std::string& component, const std::vector<core::EmbeddedFile>& files);

struct MigrationReport {
  int applied = 0;
  int already_applied = 0;
};

// Applies the migrations not yet recorded in schema_migrations, each in its own transaction, while
// holding an advisory lock so that replicas starting together apply each migration once. Refuses
// (FAILED_PRECONDITION, reason MIGRATION_CHECKSUM_MISMATCH) when a recorded migration's text
// changed: a migration that ran is history and is never edited.
absl::StatusOr<MigrationReport> ApplyMigrations(Connection& conn,
                                                const std::vector<Migration>& migrations);

}  // namespace zp::pg
