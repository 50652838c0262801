#pragma once

#include <vector>

#include "zp/pg/migrations.h"

namespace zp::chikaya {

// Everything zp_chikaya needs, in order: outbox, idempotency, audit, then CHIKAYA's own.
std::vector<pg::Migration> AllMigrations();

}  // namespace zp::chikaya
