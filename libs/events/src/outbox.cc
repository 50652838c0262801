#include "zp/events/outbox.h"

#include "zp/core/status.h"

namespace zp::events {
namespace {

constexpr pg::Query kInsert{
    "zp_outbox_insert",
    "INSERT INTO outbox (event_id, topic, key, event_type, traceparent, value) "
    "VALUES ($1, $2, $3, $4, $5, $6)"};
// Delivered at commit, once per transaction whatever the number of rows (NOTIFY folds duplicates).
constexpr pg::Query kNotify{"zp_outbox_notify", "SELECT pg_notify('zp_outbox', '')"};

}  // namespace

absl::Status Outbox::Append(pg::Transaction& tx, const zp::events::v1::Event& event) const {
  if (event.id().empty() || event.subject().empty() || event.type().empty()) {
    return absl::InvalidArgumentError("outbox: an event needs an id, a subject and a type");
  }
  RETURN_IF_ERROR(
      tx.Exec(kInsert, {event.id(), topic_, event.subject(), event.type(), event.traceparent(),
                        pg::Param::Bytes(event.SerializeAsString())})
          .status());
  if (!tx.FirstTime(kOutboxChannel)) {
    return absl::OkStatus();
  }
  return tx.Exec(kNotify).status();
}

}  // namespace zp::events
