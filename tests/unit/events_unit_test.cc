#include <catch2/catch.hpp>

#include "google/protobuf/util/time_util.h"
#include "google/protobuf/wrappers.pb.h"
#include "zp/core/uuid.h"
#include "zp/events/event.h"
#include "zp/events/kafka.h"

namespace zp::events {
namespace {

TEST_CASE("events: the envelope records who, what, where and when", "[events]") {
  core::ManualClock clock(absl::FromUnixMillis(1767225600500));
  google::protobuf::Int64Value payload;
  payload.set_value(7);
  EventContext ctx{"sgec", "user-1", "01.511.01.01",
                   "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "req-1"};
  v1::Event e = NewEvent(ctx, "acts/12", payload, clock);
  CHECK(core::UuidV7Millis(e.id()) > 0);
  CHECK(e.type() == "google.protobuf.Int64Value");
  CHECK(e.source() == "sgec");
  CHECK(e.subject() == "acts/12");
  CHECK(e.territory() == "01.511.01.01");
  CHECK(e.actor() == "user-1");
  CHECK(e.request_id() == "req-1");
  CHECK(google::protobuf::util::TimeUtil::TimestampToMilliseconds(e.occurred_at()) ==
        1767225600500);
  google::protobuf::Int64Value back;
  REQUIRE(back.ParseFromString(e.payload()));
  CHECK(back.value() == 7);
  CHECK(TopicFor("sgec") == "zp.sgec.v1");
}

TEST_CASE("events: delivery errors are sorted into retryable and permanent", "[events]") {
  CHECK(ClassifyDelivery(RD_KAFKA_RESP_ERR_NO_ERROR) == DeliveryOutcome::kDelivered);
  CHECK(ClassifyDelivery(RD_KAFKA_RESP_ERR__MSG_TIMED_OUT) == DeliveryOutcome::kRetryable);
  CHECK(ClassifyDelivery(RD_KAFKA_RESP_ERR__TRANSPORT) == DeliveryOutcome::kRetryable);
  CHECK(ClassifyDelivery(RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE) == DeliveryOutcome::kPermanent);
  CHECK(ClassifyDelivery(RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED) ==
        DeliveryOutcome::kPermanent);
}

TEST_CASE("events: the relay's producer is idempotent with acks=all", "[events]") {
  auto props = IdempotentProducerProperties("127.0.0.1:9092", absl::Seconds(30));
  CHECK(props["enable.idempotence"] == "true");
  CHECK(props["acks"] == "all");
  CHECK(props["message.timeout.ms"] == "30000");
  CHECK(MakeKafkaConf(props).ok());
  CHECK(MakeKafkaConf({{"no.such.property", "1"}}).status().code() ==
        absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace zp::events
