// @Svc@'s rules on the fake store, no server: who may create and read records, what a record
// needs, idempotency, and the event each change records.
#include <catch2/catch.hpp>

#include "services/@svc@/src/records.h"
#include "tests/support/fake_@svc@_store.h"
#include "zp/core/status.h"
#include "zp/core/uuid.h"

namespace zp::@svc@ {
namespace {

constexpr char kAssilah[] = "01.511.01.01";
constexpr char kTanger[] = "01.511.01.0";

rpc::Caller As(std::string subject, std::vector<std::string> roles,
               std::vector<std::string> territories) {
  auth::Principal p;
  p.subject = std::move(subject);
  p.roles = std::move(roles);
  p.territories = std::move(territories);
  return rpc::Caller::ForPrincipal(p);
}

struct RecordsFixture {
  testing::Fake@Svc@Store store;
  core::ManualClock clock;
  Records records{store, territory::Referential::LoadEmbedded().value(), clock};
  v1::CreateRecordRequest Create(const std::string& territory = kAssilah) {
    v1::CreateRecordRequest r;
    r.set_request_id(core::NewUuidV7());
    r.set_territory_code(territory);
    r.set_title("Premier dossier");
    return r;
  }
};

std::string Field(const absl::Status& s) {
  auto v = core::FieldViolationsOf(s);
  return v.empty() ? "" : v.front().field;
}

TEST_CASE("@svc@ rules: a record is created once, with its event", "[unit][@svc@]") {
  RecordsFixture f;
  const rpc::Caller agent = As("agent-1", {"agent"}, {kAssilah});
  v1::CreateRecordRequest r = f.Create();
  auto created = f.records.CreateRecord(agent, r);
  REQUIRE(created.ok());
  CHECK(created->created_by() == "agent-1");
  auto retried = f.records.CreateRecord(agent, r);
  REQUIRE(retried.ok());
  CHECK(retried->id() == created->id());
  CHECK(f.store.state().records.size() == 1);
  REQUIRE(f.store.state().changes.size() == 1);
  CHECK(f.store.state().changes[0].event_type == "zp.@svc@.v1.RecordCreated");
  CHECK(f.store.state().changes[0].resource == "records/" + created->id());
  CHECK(f.store.state().changes[0].role == "agent");
  r.set_title("another");
  CHECK(f.records.CreateRecord(agent, r).status().code() == absl::StatusCode::kAlreadyExists);
}

TEST_CASE("@svc@ rules: who may create and read, and what a record needs", "[unit][@svc@]") {
  RecordsFixture f;
  const rpc::Caller agent = As("agent-1", {"agent"}, {kAssilah});
  CHECK(f.records.CreateRecord(As("c", {"citizen"}, {}), f.Create()).status().code() ==
        absl::StatusCode::kPermissionDenied);
  CHECK(f.records.CreateRecord(agent, f.Create(kTanger)).status().code() ==
        absl::StatusCode::kNotFound);
  v1::CreateRecordRequest bad = f.Create("99.999");
  CHECK(Field(f.records.CreateRecord(agent, bad).status()) == "territory_code");
  bad = f.Create();
  bad.set_title(std::string(201, 'x'));
  CHECK(Field(f.records.CreateRecord(agent, bad).status()) == "title");
  CHECK(f.store.state().records.empty());

  auto created = f.records.CreateRecord(agent, f.Create());
  REQUIRE(created.ok());
  v1::GetRecordRequest get;
  get.set_id(created->id());
  CHECK(f.records.GetRecord(agent, get).ok());
  CHECK(f.records.GetRecord(As("cell", {"province_cell"}, {"01.511"}), get).ok());
  CHECK(f.records.GetRecord(As("other", {"agent"}, {kTanger}), get).status().code() ==
        absl::StatusCode::kNotFound);
  CHECK(f.records.GetRecord(As("c", {"citizen"}, {}), get).status().code() ==
        absl::StatusCode::kPermissionDenied);
  get.set_id("not-an-id");
  CHECK(f.records.GetRecord(agent, get).status().code() == absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace zp::@svc@
