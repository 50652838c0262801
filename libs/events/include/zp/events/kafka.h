#pragma once

#include <librdkafka/rdkafka.h>

#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace zp::events {

struct KafkaDeleter {
  void operator()(rd_kafka_t* rk) const { rd_kafka_destroy(rk); }
};
using KafkaPtr = std::unique_ptr<rd_kafka_t, KafkaDeleter>;

struct KafkaConfDeleter {
  void operator()(rd_kafka_conf_t* c) const { rd_kafka_conf_destroy(c); }
};
using KafkaConfPtr = std::unique_ptr<rd_kafka_conf_t, KafkaConfDeleter>;

struct KafkaMessageDeleter {
  void operator()(rd_kafka_message_t* m) const { rd_kafka_message_destroy(m); }
};
using KafkaMessagePtr = std::unique_ptr<rd_kafka_message_t, KafkaMessageDeleter>;

struct KafkaPartitionListDeleter {
  void operator()(rd_kafka_topic_partition_list_t* l) const {
    rd_kafka_topic_partition_list_destroy(l);
  }
};
using KafkaPartitionListPtr =
    std::unique_ptr<rd_kafka_topic_partition_list_t, KafkaPartitionListDeleter>;

// A configuration from key/value pairs; INVALID_ARGUMENT names the property librdkafka refused.
absl::StatusOr<KafkaConfPtr> MakeKafkaConf(const std::map<std::string, std::string>& properties);

// The settings of the relay's producer: idempotent (no duplicates or reordering from retries),
// acks=all, and a bounded delivery timeout after which a message is reported failed.
std::map<std::string, std::string> IdempotentProducerProperties(const std::string& bootstrap,
                                                                absl::Duration delivery_timeout);

// Reads the bootstrap list that devkafka writes (".run/kafka.bootstrap"), trimmed.
absl::StatusOr<std::string> ReadBootstrapFile(const std::string& path);

// How a delivery failure should be treated (userver's split): retryable errors are retried by
// the relay after a backoff; permanent ones are logged loudly and also left in the outbox, since
// deleting an event is never the relay's decision.
enum class DeliveryOutcome { kDelivered, kRetryable, kPermanent };
DeliveryOutcome ClassifyDelivery(rd_kafka_resp_err_t err);

}  // namespace zp::events
