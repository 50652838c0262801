#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"
#include "zp/core/clock.h"
#include "zp/events/v1/event.pb.h"
#include "zp/pg/migrations.h"

namespace zp::events {

// "zp.<service>.v1": the topic of a service's domain events.
std::string TopicFor(absl::string_view service);

struct EventContext {
  std::string source;       // emitting service, e.g. "sgec"
  std::string actor;        // principal subject, or "system:<component>"
  std::string territory;    // HCP code, "MA" when national
  std::string traceparent;  // of the request that caused the change
  std::string request_id;
};

// An envelope around `payload` with a new UUIDv7 id; `type` is the payload's full proto name.
zp::events::v1::Event NewEvent(const EventContext& context, absl::string_view subject,
                               const google::protobuf::Message& payload,
                               const core::Clock& clock = core::SystemClock::Instance());

// The schema every service that uses events applies with its own migrations (component
// "zp_events"): the outbox and processed_events tables.
std::vector<pg::Migration> Migrations();

}  // namespace zp::events
