#include <catch2/catch.hpp>
#include <thread>

#include "tests/support/test_env.h"
#include "zp/core/status.h"
#include "zp/pg/listener.h"
#include "zp/pg/migrations.h"
#include "zp/pg/pool.h"
#include "zp/pg/test_database.h"
#include "zp/pg/transaction.h"

namespace zp::pg {
namespace {

constexpr Query kInsert{"t_insert", "INSERT INTO items (id, name) VALUES ($1, $2)"};
constexpr Query kCount{"t_count", "SELECT count(*) FROM items"};

std::unique_ptr<TestDatabase> NewDatabase() {
  auto db = TestDatabase::Create();
  INFO(db.status().ToString());
  REQUIRE(db.ok());
  return *std::move(db);
}

void CreateItems(Pool& pool) {
  auto conn = pool.Acquire();
  REQUIRE(conn.ok());
  REQUIRE(
      (*conn)->ExecScript("CREATE TABLE items (id bigint PRIMARY KEY, name text NOT NULL)").ok());
}

int64_t Count(Pool& pool) {
  auto r = pool.Exec(kCount);
  REQUIRE(r.ok());
  return r->Int(0, 0);
}

TEST_CASE("pg: a transaction destroyed without commit leaves nothing behind", "[integration][pg]") {
  auto db = NewDatabase();
  Pool pool(db->pool_options());
  CreateItems(pool);
  {
    auto tx = Transaction::Begin(pool);
    REQUIRE(tx.ok());
    REQUIRE(tx->Exec(kInsert, {int64_t{1}, "first"}).ok());
    // Early return on error: the transaction goes out of scope uncommitted.
  }
  CHECK(Count(pool) == 0);
  absl::Status s = RunInTransaction(pool, [](Transaction& tx) -> absl::Status {
    RETURN_IF_ERROR(tx.Exec(kInsert, {int64_t{1}, "one"}).status());
    RETURN_IF_ERROR(tx.Exec(kInsert, {int64_t{2}, "two"}).status());
    return tx.Exec(kInsert, {int64_t{1}, "duplicate"}).status();
  });
  CHECK(s.code() == absl::StatusCode::kAlreadyExists);
  CHECK(SqlStateOf(s) == "23505");
  CHECK(ConstraintOf(s) == "items_pkey");
  CHECK(Count(pool) == 0);
  CHECK(RunInTransaction(pool, [](Transaction& tx) {
          return tx.Exec(kInsert, {int64_t{3}, "three"}).status();
        }).ok());
  CHECK(Count(pool) == 1);
  CHECK(pool.in_use() == 0);
}

TEST_CASE("pg: statements sent later travel with the next statement or COMMIT, errors included",
          "[integration][pg]") {
  auto db = NewDatabase();
  Pool pool(db->pool_options());
  CreateItems(pool);
  {
    // Waiting statements are applied before the next statement reads.
    auto tx = Transaction::Begin(pool);
    REQUIRE(tx.ok());
    tx->ExecLater(kInsert, {int64_t{1}, "one"});
    tx->ExecLater(kInsert, {int64_t{2}, "two"});
    auto seen = tx->Exec("SELECT count(*) FROM items");
    REQUIRE(seen.ok());
    CHECK(seen->Int(0, 0) == 2);
    tx->ExecLater(kInsert, {int64_t{3}, "three"});
    REQUIRE(tx->Commit().ok());
  }
  CHECK(Count(pool) == 3);
  {
    // A waiting statement that fails fails COMMIT, and nothing of the transaction stays.
    auto tx = Transaction::Begin(pool);
    REQUIRE(tx.ok());
    REQUIRE(tx->Exec(kInsert, {int64_t{4}, "four"}).ok());
    tx->ExecLater(kInsert, {int64_t{1}, "duplicate"});
    tx->ExecLater(kInsert, {int64_t{5}, "five"});
    absl::Status committed = tx->Commit();
    CHECK(SqlStateOf(committed) == "23505");
  }
  CHECK(Count(pool) == 3);
  {
    // A transaction that sent nothing leaves nothing to roll back; its connection is reusable.
    auto tx = Transaction::Begin(pool);
    REQUIRE(tx.ok());
    tx->ExecLater(kInsert, {int64_t{6}, "six"});
  }
  CHECK(Count(pool) == 3);
  CHECK(RunInTransaction(pool, [](Transaction& tx) {
          return tx.Exec(kInsert, {int64_t{7}, "seven"}).status();
        }).ok());
  CHECK(Count(pool) == 4);
  CHECK(pool.in_use() == 0);
}

TEST_CASE("pg: parameters are typed values, never spliced into SQL", "[integration][pg]") {
  auto db = NewDatabase();
  Pool pool(db->pool_options());
  CreateItems(pool);
  const std::string hostile = "x'); DROP TABLE items; --";
  REQUIRE(pool.Exec(kInsert, {int64_t{1}, hostile}).ok());
  auto r = pool.Exec(Query{"t_name", "SELECT name FROM items WHERE id = $1"}, {int64_t{1}});
  REQUIRE(r.ok());
  CHECK(r->Text(0, 0) == hostile);
  auto bytes =
      pool.Exec(Query{"t_bytes", "SELECT $1::bytea"}, {Param::Bytes(std::string("\0\1\2", 3))});
  REQUIRE(bytes.ok());
  CHECK(bytes->Bytes(0, 0) == std::string("\0\1\2", 3));
  auto null = pool.Exec(Query{"t_null", "SELECT $1::text IS NULL"}, {nullptr});
  CHECK(null->Bool(0, 0));
  CHECK(pool.Exec(kInsert, {"not a number", "x"}).status().code() ==
        absl::StatusCode::kInvalidArgument);
}

TEST_CASE("pg: text arrays go to PostgreSQL and come back element for element",
          "[integration][pg]") {
  auto db = NewDatabase();
  Pool pool(db->pool_options());
  const std::vector<std::string> items = {
      "plain", "el alaoui", "a,b", "quote \"x\"", "back\\slash", "", "{braces}", "العلوي", "NULL"};
  auto r = pool.Exec(Query{"t_array", "SELECT $1::text[], '{}'::text[]"}, {TextArray(items)});
  REQUIRE(r.ok());
  CHECK(ParseTextArray(r->Text(0, 0)) == items);
  CHECK(ParseTextArray(r->Text(0, 1)).empty());
  CHECK(ParseTextArray("{0190a7c2-0000-7000-8000-000000000001,2}") ==
        std::vector<std::string>{"0190a7c2-0000-7000-8000-000000000001", "2"});
}

TEST_CASE("pg: the pool is bounded and shared safely between threads", "[integration][pg]") {
  auto db = NewDatabase();
  PoolOptions options = db->pool_options(3);
  options.acquire_timeout = absl::Milliseconds(300);
  Pool pool(options);
  CreateItems(pool);
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        absl::Status s = RunInTransaction(pool, [&](Transaction& tx) {
          return tx.Exec(kInsert, {int64_t{t * 1000 + i}, "x"}).status();
        });
        failures += s.ok() ? 0 : 1;
      }
    });
  }
  for (auto& th : threads) {
    th.join();
  }
  CHECK(failures == 0);
  CHECK(Count(pool) == 300);
  CHECK(pool.open() <= 3);

  auto a = pool.Acquire();
  auto b = pool.Acquire();
  auto c = pool.Acquire();
  REQUIRE((a.ok() && b.ok() && c.ok()));
  auto d = pool.Acquire();
  CHECK(d.status().code() == absl::StatusCode::kUnavailable);
}

TEST_CASE("pg: NOTIFY reaches a listener only when the transaction commits", "[integration][pg]") {
  auto db = NewDatabase();
  Pool pool(db->pool_options());
  auto listener = Listener::Open(db->server_url(), {"zp_test"}, db->overrides());
  REQUIRE(listener.ok());
  {
    auto tx = Transaction::Begin(pool);
    REQUIRE(tx->Exec("SELECT pg_notify('zp_test', 'rolled back')").ok());
  }
  auto none = (*listener)->Wait(absl::Milliseconds(300));
  REQUIRE(none.ok());
  CHECK(none->empty());
  CHECK(RunInTransaction(pool, [](Transaction& tx) {
          return tx.Exec("SELECT pg_notify('zp_test', 'committed')").status();
        }).ok());
  auto got = (*listener)->Wait(absl::Seconds(5));
  REQUIRE(got.ok());
  REQUIRE(got->size() == 1);
  CHECK((*got)[0].channel == "zp_test");
  CHECK((*got)[0].payload == "committed");
}

TEST_CASE("pg: migrations apply once, even from replicas starting together", "[integration][pg]") {
  auto db = NewDatabase();
  std::vector<Migration> migrations = {
      {"svc", 1, "0001_create.sql", "CREATE TABLE a (id int PRIMARY KEY)"},
      {"svc", 2, "0002_more.sql", "CREATE TABLE b (id int PRIMARY KEY); INSERT INTO b VALUES (1)"},
  };
  std::atomic<int> applied{0};
  std::atomic<int> errors{0};
  std::vector<std::thread> replicas;
  for (int i = 0; i < 4; ++i) {
    replicas.emplace_back([&] {
      auto conn = Connection::Open(db->server_url(), db->overrides());
      auto report = ApplyMigrations(**conn, migrations);
      if (report.ok()) {
        applied += report->applied;
      } else {
        ++errors;
      }
    });
  }
  for (auto& r : replicas) {
    r.join();
  }
  CHECK(errors == 0);
  CHECK(applied == 2);
  auto conn = Connection::Open(db->server_url(), db->overrides());
  auto rows = (*conn)->Exec("SELECT count(*) FROM b");
  CHECK(rows->Int(0, 0) == 1);
  auto again = ApplyMigrations(**conn, migrations);
  REQUIRE(again.ok());
  CHECK(again->applied == 0);
  CHECK(again->already_applied == 2);

  SECTION("a changed migration is refused") {
    migrations[0].sql += " -- edited";
    auto refused = ApplyMigrations(**conn, migrations);
    CHECK(refused.status().code() == absl::StatusCode::kFailedPrecondition);
    CHECK(core::ReasonOf(refused.status()) == "MIGRATION_CHECKSUM_MISMATCH");
  }
  SECTION("a failing migration leaves no trace and is reported") {
    migrations.push_back({"svc", 3, "0003_bad.sql", "CREATE TABLE c (id int); SELECT * FROM nope"});
    auto failed = ApplyMigrations(**conn, migrations);
    CHECK_FALSE(failed.ok());
    auto c = (*conn)->Exec("SELECT to_regclass('c') IS NULL");
    CHECK(c->Bool(0, 0));
    auto recorded = (*conn)->Exec("SELECT count(*) FROM schema_migrations WHERE version = 3");
    CHECK(recorded->Int(0, 0) == 0);
  }
}

TEST_CASE("pg: a test database is dropped with its object", "[integration][pg]") {
  std::string name;
  {
    auto db = NewDatabase();
    name = db->name();
    Pool pool(db->pool_options());
    REQUIRE(pool.Ping().ok());
  }
  auto admin = Connection::Open(testing::PgServerUrl());
  auto r = (*admin)->Exec("SELECT count(*) FROM pg_database WHERE datname = $1", {name});
  CHECK(r->Int(0, 0) == 0);
}

}  // namespace
}  // namespace zp::pg
