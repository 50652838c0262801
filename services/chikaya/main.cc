// zp-chikaya: complaints, observations and suggestions. Wiring only; the rules live in src/.
#include "services/chikaya/src/chikaya_service.h"
#include "services/chikaya/src/desk.h"
#include "services/chikaya/src/pg_complaint_store.h"
#include "services/chikaya/src/scheduler.h"
#include "services/chikaya/src/stats.h"
#include "zp/chikaya/migrations.h"
#include "zp/log/log.h"
#include "zp/service/runtime.h"

int main(int argc, char** argv) {
  return zp::service::Main(
      argc, argv,
      {"chikaya",
       zp::chikaya::Migrations,
       {{"scheduler_interval", "60s", "how often deadlines are checked (one replica at a time)"},
        {"stats_group", "chikaya-stats", "Kafka consumer group of the statistics"}}},
      [](zp::service::Runtime& rt) -> absl::Status {
        ASSIGN_OR_RETURN(absl::Duration interval, rt.config().Duration("scheduler_interval"));
        const zp::core::Clock& clock = zp::core::SystemClock::Instance();
        zp::chikaya::PgComplaintStore store(rt.pool(), rt.referential(), clock, &rt.notifier(),
                                            rt.topic());
        zp::chikaya::Desk desk(store, rt.referential(), clock);
        zp::chikaya::Scheduler scheduler(rt.pool(), clock, &rt.notifier(), rt.topic());
        rt.Every("deadlines", interval, [&]() -> absl::Status {
          ASSIGN_OR_RETURN(zp::chikaya::SchedulerPass pass, scheduler.RunOnce());
          if (pass.overdue + pass.escalated + pass.closed > 0) {
            spdlog::info("deadlines: {} overdue, {} escalated, {} closed", pass.overdue,
                         pass.escalated, pass.closed);
          }
          return absl::OkStatus();
        });
        // Statistics from the service's own events (exactly once per event).
        rt.Consume(rt.topic(), rt.config().String("stats_group"),
                   [&rt](zp::pg::Transaction& tx, const zp::events::v1::Event& e) {
                     return zp::chikaya::ApplyToStats(tx, e, *rt.referential());
                   });
        zp::chikaya::ComplaintsService service(desk, rt.verifier());
        return rt.Serve({&service});
      });
}
