// zp-chikaya: complaints, observations and suggestions. Wiring only; the rules live in src/.
#include <atomic>
#include <iostream>
#include <thread>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "services/chikaya/src/chikaya_service.h"
#include "services/chikaya/src/desk.h"
#include "services/chikaya/src/migrations.h"
#include "services/chikaya/src/scheduler.h"
#include "services/chikaya/src/stats.h"
#include "zp/events/consumer.h"
#include "zp/events/event.h"
#include "zp/log/log.h"
#include "zp/rpc/signals.h"
#include "zp/service/runtime.h"

int main(int argc, char** argv) {
  zp::rpc::BlockTerminationSignals();
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  bool help = false;
  auto rt = zp::service::Runtime::Start(
      {"chikaya", 50103, 50203, 9103, zp::chikaya::AllMigrations(),
       {{"scheduler_interval", "60s", "how often deadlines are checked (one replica at a time)"},
        {"topic", "zp.chikaya.v1", "the Kafka topic of the service's events"},
        {"stats_group", "chikaya-stats", "Kafka consumer group of the statistics"}}},
      argc, argv, &help);
  if (!rt.ok()) {
    std::cerr << "zp-chikaya: " << rt.status().message() << "\n";
    return 1;
  }
  if (help) return 0;
  auto interval = (*rt)->config().Duration("scheduler_interval");
  if (!interval.ok()) {
    std::cerr << "zp-chikaya: " << interval.status().message() << "\n";
    return 1;
  }
  const zp::core::Clock& clock = zp::core::SystemClock::Instance();
  const std::string topic = (*rt)->config().String("topic");
  zp::chikaya::Desk desk((*rt)->pool(), (*rt)->referential(), clock, &(*rt)->notifier(), topic);
  zp::chikaya::Scheduler scheduler((*rt)->pool(), clock, &(*rt)->notifier(), topic);
  absl::Notification stop;
  std::thread deadlines([&] {
    do {
      auto pass = scheduler.RunOnce();
      if (!pass.ok()) {
        spdlog::warn("deadline scheduler: {}", pass.status().message());
      } else if (pass->overdue + pass->escalated + pass->closed > 0) {
        spdlog::info("deadline scheduler: {} overdue, {} escalated, {} closed", pass->overdue,
                     pass->escalated, pass->closed);
      }
    } while (!stop.WaitForNotificationWithTimeout(*interval));
  });
  // Statistics from the service's own events (exactly once per event: processed_events).
  zp::events::ConsumerOptions stats_options;
  stats_options.bootstrap_servers = (*rt)->kafka_bootstrap();
  stats_options.group_id = (*rt)->config().String("stats_group");
  stats_options.topics = {topic};
  stats_options.registry = (*rt)->metrics().registry();
  stats_options.service = "chikaya";
  auto referential = (*rt)->referential();
  zp::events::Consumer stats(stats_options, (*rt)->pool(),
                             [&](zp::pg::Transaction& tx, const zp::events::v1::Event& e) {
                               return zp::chikaya::ApplyToStats(tx, e, *referential);
                             });
  if (auto s = stats.Start(); !s.ok()) {
    std::cerr << "zp-chikaya: statistics consumer: " << s.message() << "\n";
    return 1;
  }
  zp::chikaya::ComplaintsService service(desk, (*rt)->verifier());
  int code = (*rt)->Serve({&service});
  stop.Notify();
  deadlines.join();
  stats.Stop();
  return code;
}
