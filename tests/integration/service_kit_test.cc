// The service kit against a real PostgreSQL: a state change recorded as its outbox event and its
// audit row together, or not at all.
#include <atomic>
#include <catch2/catch.hpp>

#include "google/protobuf/struct.pb.h"
#include "tests/support/migrated_database.h"
#include "tests/support/test_env.h"
#include "zp/audit/audit.h"
#include "zp/core/clock.h"
#include "zp/core/status.h"
#include "zp/pg/transaction.h"
#include "zp/service/periodic_job.h"
#include "zp/service/record.h"
#include "zp/service/runtime.h"

namespace zp::service {
namespace {

struct KitFixture {
  testing::MigratedDatabase migrated = testing::NewMigratedDatabase(
      ServiceMigrations("kit", {{"0001_things.sql", "CREATE TABLE things (id text PRIMARY KEY);"}})
          .value(),
      2);
  core::ManualClock clock{absl::FromUnixSeconds(1790000000)};
  Recorder recorder{"kit", "zp.kit.v1", nullptr, clock};
  google::protobuf::Struct event;
  google::protobuf::Struct state;

  KitFixture() {
    (*event.mutable_fields())["thing"].set_string_value("t-1");
    (*state.mutable_fields())["thing"].set_string_value("t-1");
    (*state.mutable_fields())["color"].set_string_value("green");
  }
  Change Made(const rpc::Caller& caller) {
    Change change = ChangeBy(caller, "agent", "Paint");
    change.resource = "things/t-1";
    change.subject = "t-1";
    change.territory = "01.511.01.01";
    change.event = &event;
    change.state = &state;
    return change;
  }
  int64_t Count(const std::string& sql) { return testing::QueryCount(*migrated.pool, sql); }
};

rpc::Caller Agent() {
  auth::Principal p;
  p.subject = "agent-7";
  p.roles = {"agent"};
  rpc::Caller c =
      rpc::Caller::ForPrincipal(p, "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  c.request_id = "0190a8a0-0000-7000-8000-000000000001";
  return c;
}

TEST_CASE("kit: a change is its event and its audit row, committed together",
          "[integration][kit]") {
  KitFixture f;
  REQUIRE(pg::RunInTransaction(*f.migrated.pool, [&](pg::Transaction& tx) {
            return f.recorder.Record(tx, f.Made(Agent()));
          }).ok());
  auto conn = f.migrated.pool->Acquire();
  REQUIRE(conn.ok());
  auto rows = (*conn)->Exec("SELECT topic, key, event_type, traceparent, value FROM outbox");
  REQUIRE(rows.ok());
  REQUIRE(rows->rows() == 1);
  CHECK(rows->Text(0, 0) == "zp.kit.v1");
  CHECK(rows->Text(0, 1) == "t-1");
  CHECK(rows->Text(0, 2) == "google.protobuf.Struct");
  events::v1::Event e;
  REQUIRE(e.ParseFromString(std::string(rows->Bytes(0, 4))));
  CHECK(e.source() == "kit");
  CHECK(e.actor() == "agent-7");
  CHECK(e.territory() == "01.511.01.01");
  CHECK(e.traceparent() == Agent().traceparent);
  auto audit = (*conn)->Exec(
      "SELECT actor, role, action, resource, territory, request_id, change_digest FROM audit_log");
  REQUIRE(audit.ok());
  REQUIRE(audit->rows() == 1);
  CHECK(audit->Text(0, 0) == "agent-7");
  CHECK(audit->Text(0, 1) == "agent");
  CHECK(audit->Text(0, 2) == "kit.Paint");
  CHECK(audit->Text(0, 3) == "things/t-1");
  CHECK(audit->Text(0, 4) == "01.511.01.01");
  CHECK(audit->Text(0, 5) == Agent().request_id);
  CHECK(audit->Text(0, 6) == audit::ChangeDigest(f.state));  // the state, not the event
}

TEST_CASE("kit: a change whose transaction fails leaves neither event nor audit row",
          "[integration][kit]") {
  KitFixture f;
  absl::Status failed = pg::RunInTransaction(*f.migrated.pool, [&](pg::Transaction& tx) {
    RETURN_IF_ERROR(f.recorder.Record(tx, f.Made(Agent())));
    return absl::FailedPreconditionError("the rule after the change refused it");
  });
  CHECK(failed.code() == absl::StatusCode::kFailedPrecondition);
  // A change without its event, or without a territory, is refused before anything is written.
  Change no_event = f.Made(Agent());
  no_event.event = nullptr;
  Change no_territory = f.Made(Agent());
  no_territory.territory.clear();
  for (const Change& incomplete : {no_event, no_territory}) {
    absl::Status s = pg::RunInTransaction(
        *f.migrated.pool, [&](pg::Transaction& tx) { return f.recorder.Record(tx, incomplete); });
    CHECK(s.code() == absl::StatusCode::kInternal);
  }
  CHECK(f.Count("SELECT count(*) FROM outbox") == 0);
  CHECK(f.Count("SELECT count(*) FROM audit_log") == 0);
}

TEST_CASE("kit: a batch is one audit row and all its events, the change's first",
          "[integration][kit]") {
  KitFixture f;
  Change batch = f.Made(rpc::Caller::Anonymous());
  batch.actor = "system:importer";
  google::protobuf::Struct other;
  (*other.mutable_fields())["n"].set_number_value(2);
  REQUIRE(pg::RunInTransaction(*f.migrated.pool, [&](pg::Transaction& tx) {
            return f.recorder.RecordBatch(
                tx, batch,
                {f.recorder.EventOf(batch, "t-2", other), f.recorder.EventOf(batch, "t-3", other)});
          }).ok());
  CHECK(f.Count("SELECT count(*) FROM audit_log") == 1);
  CHECK(f.Count("SELECT count(*) FROM outbox") == 3);
  CHECK(
      f.Count(
          "SELECT count(*) FROM outbox WHERE key = 't-1' AND id = (SELECT min(id) FROM outbox)") ==
      1);
  // A job's change names the job.
  Change job = ChangeBySystem("scheduler", "Escalate");
  CHECK(job.actor == "system:scheduler");
  CHECK(job.role == "system");
}

}  // namespace
}  // namespace zp::service

namespace zp::service {
namespace {

TEST_CASE("kit: a periodic job runs on one replica at a time, at once when woken, not after stop",
          "[integration][kit]") {
  KitFixture f;
  std::atomic<int> running{0};
  std::atomic<int> most{0};
  std::atomic<int> turns{0};
  auto turn = [&]() -> absl::Status {
    const int now = ++running;
    most = std::max(most.load(), now);
    absl::SleepFor(absl::Milliseconds(50));
    --running;
    ++turns;
    return absl::OkStatus();
  };
  {
    // Two replicas of one job (each its own connection of the pool, as two processes would).
    PeriodicJob a(*f.migrated.pool, "zp.job.kit.paint", absl::Milliseconds(5), turn);
    PeriodicJob b(*f.migrated.pool, "zp.job.kit.paint", absl::Milliseconds(5), turn);
    a.Start();
    b.Start();
    REQUIRE(testing::Eventually([&] { return a.skipped() + b.skipped() >= 3 && turns >= 6; },
                                absl::Seconds(20)));
    a.Stop();
    b.Stop();
    CHECK(most == 1);
    CHECK(a.runs() + b.runs() == turns);
  }
  // Woken: a turn at once, though the next is an hour away; none after Stop.
  turns = 0;
  PeriodicJob hourly(*f.migrated.pool, "zp.job.kit.hourly", absl::Hours(1), turn);
  hourly.Start();
  REQUIRE(testing::Eventually([&] { return turns == 1; }, absl::Seconds(10)));
  hourly.Wake();
  REQUIRE(testing::Eventually([&] { return turns == 2; }, absl::Seconds(10)));
  hourly.Stop();
  hourly.Wake();
  absl::SleepFor(absl::Milliseconds(200));
  CHECK(turns == 2);
}

}  // namespace
}  // namespace zp::service
