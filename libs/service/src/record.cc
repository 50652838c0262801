#include "zp/service/record.h"

#include "absl/strings/str_cat.h"
#include "zp/audit/audit.h"
#include "zp/core/status.h"
#include "zp/events/event.h"

namespace zp::service {

Change ChangeBy(const rpc::Caller& caller, std::string role, std::string action) {
  Change c;
  c.actor = caller.principal.subject;
  c.role = std::move(role);
  c.action = std::move(action);
  c.request_id = caller.request_id;
  c.traceparent = caller.traceparent;
  return c;
}

Change ChangeBySystem(std::string job, std::string action) {
  Change c;
  c.actor = absl::StrCat("system:", job);
  c.role = "system";
  c.action = std::move(action);
  return c;
}

events::v1::Event Recorder::EventOf(const Change& change, absl::string_view subject,
                                    const google::protobuf::Message& payload) const {
  events::EventContext context{service_, change.actor, change.territory, change.traceparent,
                               change.request_id};
  return events::NewEvent(context, subject, payload, clock_);
}

absl::Status Recorder::Audit(pg::Transaction& tx, const Change& change) const {
  if (change.event == nullptr || change.actor.empty() || change.action.empty() ||
      change.resource.empty() || change.territory.empty()) {
    return absl::InternalError(absl::StrCat("a change of ", service_, ".", change.action,
                                            " needs an event, an actor, a resource and a "
                                            "territory"));
  }
  audit::Record record;
  record.actor = change.actor;
  record.role = change.role;
  record.action = absl::StrCat(service_, ".", change.action);
  record.resource = change.resource;
  record.territory = change.territory;
  record.request_id = change.request_id;
  record.change_digest =
      audit::ChangeDigest(change.state != nullptr ? *change.state : *change.event);
  record.time = clock_.Now();
  return audit::Append(tx, record);
}

absl::Status Recorder::Record(pg::Transaction& tx, const Change& change) const {
  RETURN_IF_ERROR(Audit(tx, change));
  return outbox_.Append(tx, EventOf(change, change.subject, *change.event));
}

absl::Status Recorder::RecordBatch(pg::Transaction& tx, const Change& change,
                                   std::vector<events::v1::Event> events) const {
  RETURN_IF_ERROR(Audit(tx, change));
  events.insert(events.begin(), EventOf(change, change.subject, *change.event));
  return outbox_.AppendAll(tx, events);
}

}  // namespace zp::service
