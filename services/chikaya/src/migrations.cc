#include "services/chikaya/src/migrations.h"

#include "zp/audit/audit.h"
#include "zp/core/embedded_file.h"
#include "zp/events/event.h"
#include "zp/pg/idempotency.h"

namespace zp::chikaya {

std::vector<core::EmbeddedFile> EmbeddedChikayaMigrations();

std::vector<pg::Migration> AllMigrations() {
  std::vector<pg::Migration> all = events::Migrations();
  for (auto& m : pg::IdempotencyMigrations()) all.push_back(m);
  for (auto& m : audit::Migrations()) all.push_back(m);
  auto own = pg::MigrationsFromFiles("chikaya", EmbeddedChikayaMigrations());
  if (own.ok()) {
    for (auto& m : *own) all.push_back(m);
  }
  return all;
}

}  // namespace zp::chikaya
