#include "zp/events/consumer.h"

#include "absl/strings/str_cat.h"
#include "zp/core/status.h"
#include "zp/log/log.h"

namespace zp::events {
namespace {

constexpr pg::Query kRecord{
    "zp_consumer_record",
    "INSERT INTO processed_events (consumer, event_id, topic, kafka_partition, kafka_offset) "
    "VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING"};

}  // namespace

Consumer::Consumer(ConsumerOptions options, pg::Pool& pool, Handler handler)
    : options_(std::move(options)), pool_(pool), handler_(std::move(handler)) {
  if (options_.registry != nullptr) {
    lag_family_ = &prometheus::BuildGauge()
                       .Name("zp_kafka_consumer_lag")
                       .Help("Messages between the last applied offset and the partition end.")
                       .Register(*options_.registry);
  }
}

Consumer::~Consumer() { Stop(); }

absl::Status Consumer::Start() {
  ASSIGN_OR_RETURN(KafkaConfPtr conf, MakeKafkaConf({
                                          {"bootstrap.servers", options_.bootstrap_servers},
                                          {"group.id", options_.group_id},
                                          {"enable.auto.commit", "false"},
                                          {"enable.auto.offset.store", "false"},
                                          {"auto.offset.reset", "earliest"},
                                          {"allow.auto.create.topics", "true"},
                                          {"topic.metadata.refresh.interval.ms", "2000"},
                                          {"reconnect.backoff.ms", "100"},
                                          {"reconnect.backoff.max.ms", "2000"},
                                      }));
  char err[512];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf.get(), err, sizeof(err));
  if (rk == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("kafka consumer: ", err));
  }
  (void)conf.release();
  consumer_.reset(rk);
  rd_kafka_poll_set_consumer(rk);
  KafkaPartitionListPtr topics(
      rd_kafka_topic_partition_list_new(static_cast<int>(options_.topics.size())));
  for (const std::string& t : options_.topics) {
    rd_kafka_topic_partition_list_add(topics.get(), t.c_str(), RD_KAFKA_PARTITION_UA);
  }
  if (rd_kafka_resp_err_t e = rd_kafka_subscribe(rk, topics.get());
      e != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return absl::UnavailableError(absl::StrCat("kafka subscribe: ", rd_kafka_err2str(e)));
  }
  thread_ = std::thread([this] { Run(); });
  return absl::OkStatus();
}

void Consumer::Stop() {
  stopping_ = true;
  if (thread_.joinable()) {
    thread_.join();
  }
  if (consumer_ != nullptr) {
    rd_kafka_consumer_close(consumer_.get());
    consumer_.reset();
  }
}

ConsumerStats Consumer::stats() const {
  return {applied_.load(), duplicates_.load(), failures_.load(), malformed_.load()};
}

void Consumer::SleepUnlessStopping(absl::Duration d) {
  absl::Time until = absl::Now() + d;
  while (!stopping_ && absl::Now() < until) {
    absl::SleepFor(absl::Milliseconds(20));
  }
}

bool Consumer::Apply(const rd_kafka_message_t* msg) {
  const std::string topic = rd_kafka_topic_name(msg->rkt);
  zp::events::v1::Event event;
  if (!event.ParseFromArray(msg->payload, static_cast<int>(msg->len)) || event.id().empty()) {
    // Retrying can never help; the offset moves on and the message stays in Kafka for inspection.
    ++malformed_;
    spdlog::error("consumer {}: malformed event at {}/{}@{}: skipped", options_.group_id, topic,
                  msg->partition, msg->offset);
    return true;
  }
  bool duplicate = false;
  absl::Status applied = pg::RunInTransaction(pool_, [&](pg::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(pg::Result recorded, tx.Exec(kRecord, {options_.group_id, event.id(), topic,
                                                            static_cast<int64_t>(msg->partition),
                                                            static_cast<int64_t>(msg->offset)}));
    duplicate = recorded.affected() == 0;
    if (duplicate) {
      return absl::OkStatus();
    }
    return handler_(tx, event);
  });
  if (!applied.ok()) {
    ++failures_;
    spdlog::warn("consumer {}: event {} ({}) not applied, will retry: {}", options_.group_id,
                 event.id(), event.type(), applied.message());
    return false;
  }
  ++(duplicate ? duplicates_ : applied_);
  return true;
}

void Consumer::Run() {
  absl::Duration delay = options_.min_backoff;
  while (!stopping_) {
    KafkaMessagePtr msg(rd_kafka_consumer_poll(consumer_.get(), 100));
    if (msg == nullptr) {
      continue;
    }
    if (msg->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      if (msg->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
        spdlog::debug("consumer {}: {}", options_.group_id, rd_kafka_message_errstr(msg.get()));
      }
      continue;
    }
    if (Apply(msg.get())) {
      delay = options_.min_backoff;
      // Offsets are committed asynchronously: a commit lost in a crash only redelivers events
      // that processed_events already holds.
      rd_kafka_commit_message(consumer_.get(), msg.get(), /*async=*/1);
      if (lag_family_ != nullptr) {
        int64_t low = 0;
        int64_t high = 0;
        if (rd_kafka_get_watermark_offsets(consumer_.get(), rd_kafka_topic_name(msg->rkt),
                                           msg->partition, &low,
                                           &high) == RD_KAFKA_RESP_ERR_NO_ERROR) {
          lag_family_
              ->Add({{"service", options_.service},
                     {"group", options_.group_id},
                     {"topic", rd_kafka_topic_name(msg->rkt)},
                     {"partition", absl::StrCat(msg->partition)}})
              .Set(static_cast<double>(std::max<int64_t>(0, high - msg->offset - 1)));
        }
      }
      continue;
    }
    // Go back to this message so that nothing after it in the partition is applied first.
    KafkaPartitionListPtr position(rd_kafka_topic_partition_list_new(1));
    rd_kafka_topic_partition_list_add(position.get(), rd_kafka_topic_name(msg->rkt), msg->partition)
        ->offset = msg->offset;
    if (rd_kafka_error_t* e = rd_kafka_seek_partitions(consumer_.get(), position.get(), 5000)) {
      spdlog::error("consumer {}: seek failed: {}", options_.group_id, rd_kafka_error_string(e));
      rd_kafka_error_destroy(e);
    }
    SleepUnlessStopping(delay);
    delay = std::min(delay * 2, options_.max_backoff);
  }
}

}  // namespace zp::events
