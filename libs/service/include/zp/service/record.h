#pragma once

// The one way a service records a state change: its domain event in the outbox and its audit row,
// written together in the change's transaction (both commit with the change, or neither does).
//
//   service::Change change = service::ChangeBy(caller, role, "Resolve");
//   change.resource = "complaints/" + id;
//   change.subject = id;                 // the event's key: one aggregate, one partition
//   change.territory = authority;        // the event's territory and the audit chain
//   change.event = &resolved;            // zp.chikaya.v1.ComplaintStateChanged
//   change.state = &complaint;           // what the audit row digests (default: the event)
//   RETURN_IF_ERROR(recorder.Record(tx, change));

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "google/protobuf/message.h"
#include "zp/core/clock.h"
#include "zp/events/outbox.h"
#include "zp/events/v1/event.pb.h"
#include "zp/pg/transaction.h"
#include "zp/rpc/caller.h"

namespace zp::service {

struct Change {
  std::string actor;        // the principal's subject, or "system:<job>"
  std::string role;         // the role the action was allowed under ("system" for jobs)
  std::string action;       // the method or job, audited as "<service>.<action>"
  std::string resource;     // "complaints/<id>"
  std::string subject;      // the event's key (aggregate id or reference)
  std::string territory;    // HCP code: the event's territory, and the audit chain it joins
  std::string request_id;   // of the call (empty for jobs)
  std::string traceparent;  // of the call, carried on to the event
  const google::protobuf::Message* event = nullptr;  // the domain event (required)
  const google::protobuf::Message* state = nullptr;  // digested in the audit row; default event
};

// Who acts, from the call: the caller's subject, request id and traceparent.
Change ChangeBy(const rpc::Caller& caller, std::string role, std::string action);
// A change made by one of the service's own jobs (actor "system:<job>", role "system").
Change ChangeBySystem(std::string job, std::string action);

class Recorder {
 public:
  // `service` is the events' source and the audit actions' prefix; events go to `topic`.
  Recorder(std::string service, std::string topic, events::OutboxNotifier* notifier,
           const core::Clock& clock = core::SystemClock::Instance())
      : service_(std::move(service)), outbox_(std::move(topic), notifier), clock_(clock) {}

  absl::Status Record(pg::Transaction& tx, const Change& change) const;
  // A change made of many events (a death act and its registration, a batch of an import): the
  // events in one statement, `change.event` first, and one audit row for the whole change.
  absl::Status RecordBatch(pg::Transaction& tx, const Change& change,
                           std::vector<events::v1::Event> events) const;
  // The envelope a change's event gets (for a batch's other events).
  events::v1::Event EventOf(const Change& change, absl::string_view subject,
                            const google::protobuf::Message& payload) const;

  const std::string& service() const { return service_; }
  const events::Outbox& outbox() const { return outbox_; }
  const core::Clock& clock() const { return clock_; }

 private:
  absl::Status Audit(pg::Transaction& tx, const Change& change) const;

  const std::string service_;
  const events::Outbox outbox_;
  const core::Clock& clock_;
};

}  // namespace zp::service
