#pragma once

// A database of the test's own with a service's migrations applied, and a pool on it; counting
// rows in it.
#include <catch2/catch.hpp>
#include <memory>
#include <vector>

#include "zp/pg/migrations.h"
#include "zp/pg/pool.h"
#include "zp/pg/test_database.h"

namespace zp::testing {

struct MigratedDatabase {
  std::unique_ptr<pg::TestDatabase> db;
  std::unique_ptr<pg::Pool> pool;
};

inline MigratedDatabase NewMigratedDatabase(const std::vector<pg::Migration>& migrations,
                                            int pool_size) {
  MigratedDatabase out;
  auto db = pg::TestDatabase::Create();
  REQUIRE(db.ok());
  out.db = *std::move(db);
  out.pool = std::make_unique<pg::Pool>(out.db->pool_options(pool_size));
  auto conn = pg::Connection::Open(out.db->server_url(), out.db->overrides());
  REQUIRE(conn.ok());
  auto applied = pg::ApplyMigrations(**conn, migrations);
  INFO(applied.status().ToString());
  REQUIRE(applied.ok());
  return out;
}

// The first column of the first row of `sql` as a number (SELECT count(*) ...).
inline int64_t QueryCount(pg::Pool& pool, const std::string& sql) {
  auto conn = pool.Acquire();
  REQUIRE(conn.ok());
  auto r = (*conn)->Exec(sql);
  INFO(sql);
  REQUIRE(r.ok());
  return r->Int(0, 0);
}

}  // namespace zp::testing
