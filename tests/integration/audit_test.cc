// libs/audit against PostgreSQL: concurrent appenders keep each chain whole; any edit is found.
#include "zp/audit/audit.h"

#include <thread>

#include "absl/strings/str_cat.h"
#include "catch2/catch.hpp"
#include "google/protobuf/wrappers.pb.h"
#include "zp/pg/migrations.h"
#include "zp/pg/test_database.h"

namespace zp::audit {
namespace {

// A database with the audit tables.
std::unique_ptr<pg::TestDatabase> AuditDatabase() {
  auto db = pg::TestDatabase::Create();
  REQUIRE(db.ok());
  auto conn = pg::Connection::Open((*db)->server_url(), (*db)->overrides());
  REQUIRE(conn.ok());
  REQUIRE(pg::ApplyMigrations(**conn, Migrations()).ok());
  return *std::move(db);
}

Record Change(const std::string& chain, int n) {
  google::protobuf::StringValue change;
  change.set_value(absl::StrCat("change ", n));
  return Record{absl::StrCat("user-", n % 8), "civil_agent", "test.Change",
                absl::StrCat("things/", n),   chain,         absl::StrCat("req-", n),
                ChangeDigest(change),         absl::Now()};
}

TEST_CASE("audit: concurrent appends keep every chain intact, edits and deletions are found",
          "[integration][audit]") {
  auto db = AuditDatabase();
  pg::Pool pool(db->pool_options(8));
  const char* chains[] = {"01.511.01.01", "06.141.01.0"};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        REQUIRE(pg::RunInTransaction(pool, [&](pg::Transaction& tx) {
                  return Append(tx, Change(chains[(t + i) % 2], t * 100 + i));
                }).ok());
      }
    });
  }
  for (auto& th : threads) th.join();

  auto conn = pool.Acquire();
  REQUIRE(conn.ok());
  auto report = Verify(**conn);
  REQUIRE(report.ok());
  CHECK(report->rows == 200);
  CHECK(report->chains == 2);
  CHECK_FALSE(report->first_break.has_value());
  auto province = Verify(**conn, "06.141");  // a province's scope covers its communes' chains
  REQUIRE(province.ok());
  CHECK(province->rows == 100);

  // Rows cannot be changed or removed through SQL...
  CHECK_FALSE((*conn)->Exec("UPDATE audit_log SET role = 'dgct' WHERE id = 42").ok());
  CHECK_FALSE((*conn)->Exec("DELETE FROM audit_log WHERE id = 42").ok());
  CHECK_FALSE((*conn)->Exec("TRUNCATE audit_log").ok());
  // ...and when an administrator does it anyway, the first altered row is named.
  REQUIRE((*conn)->ExecScript("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only").ok());
  REQUIRE((*conn)
              ->Exec("UPDATE audit_log SET occurred_at = occurred_at + interval '1 second' "
                     "WHERE id = 42")
              .ok());
  auto tampered = Verify(**conn);
  REQUIRE(tampered.ok());
  REQUIRE(tampered->first_break.has_value());
  CHECK(tampered->first_break->id == 42);
  CHECK(tampered->first_break->reason == "row_hash");

  // Recomputing the row's own hash does not help: the next row's prev_hash no longer matches.
  auto row = (*conn)->Exec(
      "SELECT chain, chain_seq, (extract(epoch FROM occurred_at) * 1000000)::bigint, actor, role, "
      "action, resource, territory, request_id, change_digest, prev_hash FROM audit_log "
      "WHERE id = 42");
  REQUIRE(row.ok());
  Record r{std::string(row->Text(0, 3)), std::string(row->Text(0, 4)),
           std::string(row->Text(0, 5)), std::string(row->Text(0, 6)),
           std::string(row->Text(0, 7)), std::string(row->Text(0, 8)),
           std::string(row->Text(0, 9)), absl::FromUnixMicros(row->Int(0, 2))};
  const std::string forged =
      RowHash(row->Text(0, 10), CanonicalContent(r, row->Text(0, 0), row->Int(0, 1)));
  REQUIRE((*conn)->Exec("UPDATE audit_log SET row_hash = $1 WHERE id = 42", {forged}).ok());
  auto forged_report = Verify(**conn);
  REQUIRE(forged_report.ok());
  REQUIRE(forged_report->first_break.has_value());
  CHECK(forged_report->first_break->id > 42);
  CHECK(forged_report->first_break->reason == "prev_hash");
}

TEST_CASE("audit: removing the last rows of a chain is seen at its head", "[integration][audit]") {
  auto db = AuditDatabase();
  pg::Pool pool(db->pool_options(2));
  auto conn = pool.Acquire();
  REQUIRE(conn.ok());
  for (int i = 0; i < 5; ++i) {
    REQUIRE(pg::RunInTransaction(pool, [&](pg::Transaction& tx) {
              return Append(tx, Change("MA", i));
            }).ok());
  }
  auto intact = Verify(**conn);
  REQUIRE(intact.ok());
  CHECK_FALSE(intact->first_break.has_value());
  REQUIRE((*conn)->ExecScript("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only").ok());
  REQUIRE((*conn)->Exec("DELETE FROM audit_log WHERE chain_seq >= 4").ok());
  auto cut = Verify(**conn);
  REQUIRE(cut.ok());
  REQUIRE(cut->first_break.has_value());
  CHECK(cut->first_break->reason == "head");
  CHECK(cut->first_break->chain_seq == 3);
}

}  // namespace
}  // namespace zp::audit
