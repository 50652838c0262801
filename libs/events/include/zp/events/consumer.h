#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/registry.h"
#include "zp/events/kafka.h"
#include "zp/events/v1/event.pb.h"
#include "zp/pg/pool.h"
#include "zp/pg/transaction.h"

namespace zp::events {

struct ConsumerOptions {
  std::string bootstrap_servers;
  // Kafka consumer group; also the name under which processed events are recorded.
  std::string group_id;
  std::vector<std::string> topics;
  absl::Duration min_backoff = absl::Milliseconds(100);
  absl::Duration max_backoff = absl::Seconds(5);
  // Optional: zp_kafka_consumer_lag{service,group,topic,partition}.
  std::shared_ptr<prometheus::Registry> registry;
  std::string service;
};

struct ConsumerStats {
  int64_t applied = 0;     // handler ran and committed
  int64_t duplicates = 0;  // event id already processed: skipped
  int64_t failures = 0;    // handler or database failed: retried
  int64_t malformed = 0;   // not an Event: logged and skipped
};

// Applies events to the service's database with exactly-once effect on top of at-least-once
// delivery: for each message, one transaction records the event id in processed_events and runs
// the handler; a redelivered event finds its id there and is skipped. The Kafka offset is
// committed only after that transaction commits. When the handler fails, the transaction rolls
// back and the consumer seeks back to the same message and retries with backoff, so that events of
// one partition (one key) are applied in order and none is skipped.
class Consumer {
 public:
  using Handler = std::function<absl::Status(pg::Transaction&, const zp::events::v1::Event&)>;

  Consumer(ConsumerOptions options, pg::Pool& pool, Handler handler);
  ~Consumer();
  Consumer(const Consumer&) = delete;
  Consumer& operator=(const Consumer&) = delete;

  absl::Status Start();
  void Stop();
  ConsumerStats stats() const;

 private:
  void Run();
  // Returns false when the message must be retried.
  bool Apply(const rd_kafka_message_t* msg);
  void SleepUnlessStopping(absl::Duration d);

  ConsumerOptions options_;
  pg::Pool& pool_;
  Handler handler_;
  KafkaPtr consumer_;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  std::atomic<int64_t> applied_{0};
  std::atomic<int64_t> duplicates_{0};
  std::atomic<int64_t> failures_{0};
  std::atomic<int64_t> malformed_{0};
  prometheus::Family<prometheus::Gauge>* lag_family_ = nullptr;
};

}  // namespace zp::events
