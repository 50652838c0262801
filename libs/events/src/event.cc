#include "zp/events/event.h"

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"
#include "zp/core/uuid.h"

namespace zp::events {

std::vector<core::EmbeddedFile> EmbeddedEventMigrations();

std::string TopicFor(absl::string_view service) { return absl::StrCat("zp.", service, ".v1"); }

zp::events::v1::Event NewEvent(const EventContext& context, absl::string_view subject,
                               const google::protobuf::Message& payload, const core::Clock& clock) {
  zp::events::v1::Event event;
  event.set_id(core::NewUuidV7());
  event.set_type(payload.GetDescriptor()->full_name());
  event.set_source(context.source);
  event.set_subject(std::string(subject));
  event.set_territory(context.territory);
  *event.mutable_occurred_at() =
      google::protobuf::util::TimeUtil::MillisecondsToTimestamp(absl::ToUnixMillis(clock.Now()));
  event.set_actor(context.actor);
  event.set_traceparent(context.traceparent);
  event.set_request_id(context.request_id);
  event.set_payload(payload.SerializeAsString());
  return event;
}

std::vector<pg::Migration> Migrations() {
  absl::StatusOr<std::vector<pg::Migration>> migrations =
      pg::MigrationsFromFiles("zp_events", EmbeddedEventMigrations());
  // The embedded files are part of this library; a naming mistake is caught by its unit tests.
  return migrations.ok() ? *migrations : std::vector<pg::Migration>{};
}

}  // namespace zp::events
