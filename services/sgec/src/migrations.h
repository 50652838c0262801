#pragma once

#include <vector>

#include "zp/pg/migrations.h"

namespace zp::sgec {

// Everything zp_sgec needs, in order: outbox (events), idempotency, audit, then SGEC's own.
std::vector<pg::Migration> AllMigrations();

}  // namespace zp::sgec
