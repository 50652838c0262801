#pragma once

#include <string>

#include "absl/status/status.h"
#include "zp/events/v1/event.pb.h"
#include "zp/pg/transaction.h"

namespace zp::events {

// The NOTIFY channel that wakes the relay when an outbox row commits.
inline constexpr absl::string_view kOutboxChannel = "zp_outbox";

// Writes events into the outbox table inside the caller's transaction: the event exists exactly
// when the state change it describes commits.
class Outbox {
 public:
  explicit Outbox(std::string topic) : topic_(std::move(topic)) {}
  absl::Status Append(pg::Transaction& tx, const zp::events::v1::Event& event) const;
  const std::string& topic() const { return topic_; }

 private:
  std::string topic_;
};

}  // namespace zp::events
