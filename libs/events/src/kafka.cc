#include "zp/events/kafka.h"

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "zp/core/files.h"
#include "zp/core/status.h"

namespace zp::events {

absl::StatusOr<KafkaConfPtr> MakeKafkaConf(const std::map<std::string, std::string>& properties) {
  KafkaConfPtr conf(rd_kafka_conf_new());
  char err[512];
  for (const auto& [k, v] : properties) {
    if (rd_kafka_conf_set(conf.get(), k.c_str(), v.c_str(), err, sizeof(err)) != RD_KAFKA_CONF_OK) {
      return core::InvalidArgumentError(k, err);
    }
  }
  return conf;
}

std::map<std::string, std::string> IdempotentProducerProperties(const std::string& bootstrap,
                                                                absl::Duration delivery_timeout) {
  return {
      {"bootstrap.servers", bootstrap},
      {"enable.idempotence", "true"},
      {"acks", "all"},
      {"message.timeout.ms", absl::StrCat(absl::ToInt64Milliseconds(delivery_timeout))},
      {"linger.ms", "5"},
      {"compression.codec", "lz4"},
      {"reconnect.backoff.ms", "100"},
      {"reconnect.backoff.max.ms", "2000"},
  };
}

absl::StatusOr<std::string> ReadBootstrapFile(const std::string& path) {
  absl::StatusOr<std::string> content = core::ReadFile(path);
  if (!content.ok()) {
    return absl::UnavailableError(absl::StrCat("kafka: cannot read bootstrap file ", path));
  }
  std::string text(absl::StripAsciiWhitespace(*content));
  if (text.empty()) {
    return absl::UnavailableError(absl::StrCat("kafka: bootstrap file ", path, " is empty"));
  }
  return text;
}

DeliveryOutcome ClassifyDelivery(rd_kafka_resp_err_t err) {
  switch (err) {
    case RD_KAFKA_RESP_ERR_NO_ERROR:
      return DeliveryOutcome::kDelivered;
    case RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE:
    case RD_KAFKA_RESP_ERR__MSG_TIMED_OUT:
    case RD_KAFKA_RESP_ERR__PURGE_QUEUE:
    case RD_KAFKA_RESP_ERR__PURGE_INFLIGHT:
    case RD_KAFKA_RESP_ERR__TRANSPORT:
    case RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN:
    case RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS:
    case RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS_AFTER_APPEND:
    case RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE:
    case RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION:
    case RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT:
      return err == RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE ? DeliveryOutcome::kPermanent
                                                         : DeliveryOutcome::kRetryable;
    case RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR__INVALID_ARG:
    case RD_KAFKA_RESP_ERR_INVALID_MSG:
    case RD_KAFKA_RESP_ERR__FATAL:
      return DeliveryOutcome::kPermanent;
    default:
      return DeliveryOutcome::kRetryable;
  }
}

}  // namespace zp::events
