#pragma once

#include <vector>

#include "zp/pg/migrations.h"

namespace zp::watiqa {

// The service's migrations: outbox, idempotency and audit, then migrations/*.sql.
std::vector<pg::Migration> AllMigrations();

}  // namespace zp::watiqa
