#pragma once

// Deadlines: marks open complaints overdue and escalates them. One pass runs under a
// transaction-scoped advisory lock, so that of several replicas exactly one works at a time, and
// every mark is made once (the rows' own state says what was done).
//   level 1: a deadline missed (acknowledge or answer) -> flagged to the province's supervision
//            cell (ComplaintOverdue, escalation_level 1);
//   level 2: still open `escalation_days` after that deadline -> the region and the DGCT.

#include "absl/status/statusor.h"
#include "zp/core/clock.h"
#include "zp/events/outbox.h"
#include "zp/pg/pool.h"
#include "zp/service/record.h"

namespace zp::chikaya {

struct SchedulerPass {
  int overdue = 0;    // newly marked overdue (level 1)
  int escalated = 0;  // newly escalated to level 2
  int closed = 0;     // RESOLVED complaints closed once their reopen window passed
  bool leader = false;
};

class Scheduler {
 public:
  Scheduler(pg::Pool& pool, const core::Clock& clock, events::OutboxNotifier* notifier = nullptr,
            std::string topic = "zp.chikaya.v1", int batch = 500);
  absl::StatusOr<SchedulerPass> RunOnce();

 private:
  pg::Pool& pool_;
  const core::Clock& clock_;
  service::Recorder recorder_;
  int batch_;
};

}  // namespace zp::chikaya
