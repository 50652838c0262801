#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"
#include "zp/events/kafka.h"
#include "zp/pg/connection.h"
#include "zp/pg/listener.h"

namespace zp::events {

struct RelayOptions {
  // The service's database (libpq URL) and keyword overrides.
  std::string conninfo;
  std::map<std::string, std::string> overrides;
  std::string bootstrap_servers;
  int batch_size = 500;
  // Outbox polled at least this often even when no NOTIFY arrives (lost notifications, relay
  // started after the rows were written).
  absl::Duration poll_interval = absl::Seconds(1);
  // A message not acknowledged by Kafka within this time is reported failed and kept for the next
  // batch.
  absl::Duration delivery_timeout = absl::Seconds(30);
  absl::Duration min_backoff = absl::Milliseconds(100);
  absl::Duration max_backoff = absl::Seconds(5);
  // Leader election: every relay of a service competes for this advisory lock; one publishes.
  int64_t leader_lock_key = 0x7a706f7574626f78;  // "zpoutbox"
  // Optional: zp_outbox_pending, zp_outbox_publish_lag_seconds, zp_outbox_published_total.
  std::shared_ptr<prometheus::Registry> registry;
  std::string service;
  // Called after every delivery report of a batch arrived and before its rows are deleted. Tests
  // use it to stop a relay at the worst moment (published, not yet deleted).
  std::function<void(int rows)> before_delete;
};

struct RelayStats {
  int64_t published = 0;
  int64_t failed = 0;
  int64_t batches = 0;
  bool leader = false;
};

// Publishes the outbox to Kafka. Exactly one relay per service database is leader at a time
// (session advisory lock; it moves to another replica when the leader's connection dies). The
// leader wakes on NOTIFY zp_outbox or every poll_interval, takes up to batch_size rows in id order
// (FOR UPDATE SKIP LOCKED), produces them with an idempotent producer, waits for every delivery
// report, and deletes in the same transaction the rows Kafka acknowledged. A row is deleted only if
// no earlier row of the same key in its batch failed, so per-key order holds across retries.
// While Kafka is away the relay backs off exponentially; nothing is lost, and a crash between
// produce and delete only redelivers (consumers apply each event id once).
class OutboxRelay {
 public:
  explicit OutboxRelay(RelayOptions options);
  ~OutboxRelay();
  OutboxRelay(const OutboxRelay&) = delete;
  OutboxRelay& operator=(const OutboxRelay&) = delete;

  void Start();
  // Stops after the batch in progress (its delivery reports are awaited) and joins the thread.
  void Stop();
  RelayStats stats() const;

  // One pass over the outbox on `conn` (which must hold the leader lock): publishes up to
  // batch_size rows. Returns how many rows were removed from the outbox. Exposed for tests.
  absl::StatusOr<int> PublishBatch(pg::Connection& conn);

 private:
  void Run();
  absl::Status EnsureProducer();
  void Backoff(absl::Duration& delay);
  void WaitForWork(absl::StatusOr<std::unique_ptr<pg::Listener>>& listener);

  RelayOptions options_;
  KafkaPtr producer_;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  absl::Notification stopped_;
  std::atomic<int64_t> published_{0};
  std::atomic<int64_t> failed_{0};
  std::atomic<int64_t> batches_{0};
  std::atomic<bool> leader_{false};
  prometheus::Gauge* pending_gauge_ = nullptr;
  prometheus::Histogram* lag_histogram_ = nullptr;
};

}  // namespace zp::events
