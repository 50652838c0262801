#include "services/sgec/src/migrations.h"

#include "zp/audit/audit.h"
#include "zp/core/embedded_file.h"
#include "zp/events/event.h"
#include "zp/pg/idempotency.h"

namespace zp::sgec {

std::vector<core::EmbeddedFile> EmbeddedSgecMigrations();

std::vector<pg::Migration> AllMigrations() {
  std::vector<pg::Migration> all = events::Migrations();
  for (auto& m : pg::IdempotencyMigrations()) all.push_back(m);
  for (auto& m : audit::Migrations()) all.push_back(m);
  auto own = pg::MigrationsFromFiles("sgec", EmbeddedSgecMigrations());
  if (own.ok()) {
    for (auto& m : *own) all.push_back(m);
  }
  return all;
}

}  // namespace zp::sgec
