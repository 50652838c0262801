#pragma once

// What the in-memory stores of the unit tests keep of each recorded change (service::Change):
// action, actor, role, request id, resource, territory and the event, for the tests to read.

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "zp/service/record.h"

namespace zp::testing {

struct RecordedChange {
  std::string action;
  std::string actor;
  std::string role;
  std::string request_id;
  std::string resource;
  std::string territory;
  std::string event_type;  // full proto name of the event
  std::string event;       // its bytes
};

// Keeps `c` as Recorder would accept it: an event, an actor, a resource and a territory.
inline absl::Status KeepChange(std::vector<RecordedChange>& changes, const service::Change& c) {
  if (c.event == nullptr || c.actor.empty() || c.resource.empty() || c.territory.empty()) {
    return absl::InternalError("incomplete change");
  }
  changes.push_back({c.action, c.actor, c.role, c.request_id, c.resource, c.territory,
                     c.event->GetDescriptor()->full_name(), c.event->SerializeAsString()});
  return absl::OkStatus();
}

// The events of `Event`'s type recorded for `resource` ("orders/WTQ-..."), in order.
template <typename Event>
std::vector<Event> EventsOf(const std::vector<RecordedChange>& changes,
                            const std::string& resource) {
  std::vector<Event> out;
  for (const RecordedChange& r : changes) {
    Event e;
    if (r.event_type == Event::descriptor()->full_name() && r.resource == resource &&
        e.ParseFromString(r.event)) {
      out.push_back(e);
    }
  }
  return out;
}

}  // namespace zp::testing
