// @Svc@ against a real PostgreSQL: a record, its event and its audit row committed together.
#include <catch2/catch.hpp>

#include "services/@svc@/src/pg_record_store.h"
#include "services/@svc@/src/records.h"
#include "tests/support/migrated_database.h"
#include "zp/@svc@/migrations.h"
#include "zp/core/uuid.h"

namespace zp::@svc@ {
namespace {

TEST_CASE("@svc@: a record is stored with its event and audit row", "[integration][@svc@]") {
  testing::MigratedDatabase migrated = testing::NewMigratedDatabase(Migrations().value(), 2);
  core::ManualClock clock;
  PgRecordStore store(*migrated.pool, clock);
  Records records(store, territory::Referential::LoadEmbedded().value(), clock);
  auth::Principal p;
  p.subject = "agent-1";
  p.roles = {"agent"};
  p.territories = {"01.511.01.01"};
  v1::CreateRecordRequest r;
  r.set_request_id(core::NewUuidV7());
  r.set_territory_code("01.511.01.01");
  r.set_title("Premier dossier — الملف الأول");
  auto created = records.CreateRecord(rpc::Caller::ForPrincipal(p), r);
  INFO(created.status().ToString());
  REQUIRE(created.ok());
  v1::GetRecordRequest get;
  get.set_id(created->id());
  auto read = records.GetRecord(rpc::Caller::ForPrincipal(p), get);
  REQUIRE(read.ok());
  CHECK(read->title() == r.title());
  CHECK(testing::QueryCount(*migrated.pool, "SELECT count(*) FROM records") == 1);
  CHECK(testing::QueryCount(*migrated.pool,
                            "SELECT count(*) FROM outbox WHERE event_type = "
                            "'zp.@svc@.v1.RecordCreated'") == 1);
  CHECK(testing::QueryCount(*migrated.pool,
                            "SELECT count(*) FROM audit_log WHERE action = '@svc@.CreateRecord'") ==
        1);
}

}  // namespace
}  // namespace zp::@svc@
