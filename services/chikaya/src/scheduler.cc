#include "services/chikaya/src/scheduler.h"

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"
#include "services/chikaya/src/desk.h"
#include "zp/chikaya/v1/chikaya.pb.h"
#include "zp/chikaya/v1/events.pb.h"
#include "zp/core/status.h"

namespace zp::chikaya {
namespace {

constexpr int64_t kLeaderKey = 0x63686b7363686564;  // "chksched"

constexpr pg::Query kTryLead{"chk_sched_lead", "SELECT pg_try_advisory_xact_lock($1::bigint)"};

// Open complaints past a deadline, not yet marked: the missed deadline is the earliest of the
// acknowledge deadline (while unacknowledged) and the answer deadline.
constexpr pg::Query kNewlyOverdue{"chk_sched_overdue", R"sql(
SELECT c.id, c.doc,
       (extract(epoch FROM CASE WHEN c.state IN (1, 9) AND c.acknowledge_due < c.answer_due
                                THEN c.acknowledge_due ELSE c.answer_due END) * 1000000)::bigint,
       CASE WHEN c.state IN (1, 9) AND c.acknowledge_due < to_timestamp($1::numeric / 1000000)
            THEN 'acknowledge' ELSE 'answer' END
FROM complaints c
WHERE NOT c.overdue AND c.state IN (1, 2, 3, 4, 9)
  AND ((c.state IN (1, 9) AND c.acknowledge_due < to_timestamp($1::numeric / 1000000))
       OR c.answer_due < to_timestamp($1::numeric / 1000000))
ORDER BY c.id LIMIT $2
FOR UPDATE)sql"};

// Marked overdue, still open, `escalation_days` after the missed deadline, not yet at level 2.
// Same columns as kNewlyOverdue; the deadline column is unused here (kMark keeps overdue_since).
constexpr pg::Query kToEscalate{"chk_sched_escalate", R"sql(
SELECT c.id, c.doc, 0::bigint, 'answer'
FROM complaints c JOIN deadlines d ON d.kind = c.kind
WHERE c.overdue AND c.escalation_level = 1 AND c.state IN (1, 2, 3, 4, 9)
  AND c.overdue_since + d.escalation_days * interval '1 day' < to_timestamp($1::numeric / 1000000)
ORDER BY c.id LIMIT $2
FOR UPDATE OF c)sql"};

// RESOLVED complaints whose submitter can no longer reopen them ($3 days after the answer).
constexpr pg::Query kToClose{"chk_sched_close", R"sql(
SELECT c.id, c.doc FROM complaints c
WHERE c.state = 5
  AND c.resolved_at + $3::int * interval '1 day' < to_timestamp($1::numeric / 1000000)
ORDER BY c.resolved_at LIMIT $2
FOR UPDATE)sql"};

constexpr pg::Query kClose{"chk_sched_close_one",
                           "UPDATE complaints SET state = 6, resolved_at = NULL, doc = $2 "
                           "WHERE id = $1::uuid"};

constexpr pg::Query kMark{"chk_sched_mark", R"sql(
UPDATE complaints SET overdue = true, escalation_level = $2,
  overdue_since = coalesce(overdue_since, to_timestamp($3::numeric / 1000000)), doc = $4
WHERE id = $1::uuid)sql"};

service::Change SchedulerChange(std::string action, const v1::Complaint& doc,
                                const google::protobuf::Message& event) {
  service::Change change = service::ChangeBySystem("scheduler", std::move(action));
  change.resource = absl::StrCat("complaints/", doc.id());
  change.subject = doc.id();
  change.territory = doc.authority_code();
  change.event = &event;
  change.state = &doc;
  return change;
}

}  // namespace

Scheduler::Scheduler(pg::Pool& pool, const core::Clock& clock, events::OutboxNotifier* notifier,
                     std::string topic, int batch)
    : pool_(pool),
      clock_(clock),
      recorder_("chikaya", std::move(topic), notifier, clock),
      batch_(batch) {}

absl::StatusOr<SchedulerPass> Scheduler::RunOnce() {
  SchedulerPass pass;
  absl::Status status = pg::RunInTransaction(pool_, [&](pg::Transaction& tx) -> absl::Status {
    pass = SchedulerPass{};
    ASSIGN_OR_RETURN(pg::Result lead, tx.Exec(kTryLead, {kLeaderKey}));
    pass.leader = lead.Bool(0, 0);
    if (!pass.leader) return absl::OkStatus();  // another replica is on it
    const absl::Time now = clock_.Now();
    const std::string now_us = absl::StrCat(absl::ToUnixMicros(now));
    for (int level : {1, 2}) {
      ASSIGN_OR_RETURN(pg::Result rows,
                       tx.Exec(level == 1 ? kNewlyOverdue : kToEscalate, {now_us, batch_}));
      for (int i = 0; i < rows.rows(); ++i) {
        v1::Complaint doc;
        if (!doc.ParseFromString(rows.Bytes(i, 1))) {
          return absl::DataLossError("complaint document does not parse");
        }
        doc.set_overdue(true);
        doc.set_escalation_level(level);
        AddStep(doc, now, "system",
                level == 1 ? absl::StrCat("the ", rows.Text(i, 3),
                                          " deadline passed: escalated to the province's cell")
                           : "still unanswered: escalated to the region and the DGCT",
                level);
        RETURN_IF_ERROR(tx.Exec(kMark, {doc.id(), level, absl::StrCat(rows.Int(i, 2)),
                                        pg::Param::Bytes(doc.SerializeAsString())})
                            .status());
        v1::ComplaintOverdue event;
        event.set_complaint_id(doc.id());
        event.set_kind(doc.kind());
        event.set_authority_code(doc.authority_code());
        event.set_escalation_level(level);
        event.set_deadline(std::string(rows.Text(i, 3)));
        *event.mutable_create_time() = doc.create_time();
        RETURN_IF_ERROR(recorder_.Record(tx, SchedulerChange("Escalate", doc, event)));
        ++(level == 1 ? pass.overdue : pass.escalated);
      }
    }
    // Answered and past the reopen window: the answer is final, the complaint CLOSED (as when the
    // submitter closes it; a rating stays possible).
    ASSIGN_OR_RETURN(pg::Result resolved, tx.Exec(kToClose, {now_us, batch_, kReopenDays}));
    for (int i = 0; i < resolved.rows(); ++i) {
      v1::Complaint before;
      if (!before.ParseFromString(resolved.Bytes(i, 1))) {
        return absl::DataLossError("complaint document does not parse");
      }
      v1::Complaint after = before;
      after.set_state(v1::CLOSED);
      AddStep(after, now, "system", "the answer is final: the time to reopen it has passed");
      RETURN_IF_ERROR(
          tx.Exec(kClose, {after.id(), pg::Param::Bytes(after.SerializeAsString())}).status());
      const v1::ComplaintStateChanged closed = StateChangeEvent(before, after, now);
      RETURN_IF_ERROR(recorder_.Record(tx, SchedulerChange("AutoClose", after, closed)));
      ++pass.closed;
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return pass;
}

}  // namespace zp::chikaya
