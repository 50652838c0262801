#pragma once

#include <atomic>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "zp/events/v1/event.pb.h"
#include "zp/pg/transaction.h"

namespace zp::events {

// The NOTIFY channel that wakes the relay when an outbox row commits.
inline constexpr absl::string_view kOutboxChannel = "zp_outbox";

// Writes events into the outbox table inside the caller's transaction: the event exists exactly
// when the state change it describes commits.
// Wakes the relay after commits that wrote outbox rows, off the commit path: NOTIFY inside the
// transaction would take PostgreSQL's global notification lock until the commit is flushed,
// serialising every writing transaction of the cluster behind one WAL flush. Poke() is cheap; a
// thread of its own sends at most one NOTIFY per `min_interval` on a connection of its own.
class OutboxNotifier {
 public:
  OutboxNotifier(std::string conninfo, std::map<std::string, std::string> overrides,
                 absl::Duration min_interval = absl::Milliseconds(1));
  ~OutboxNotifier();
  OutboxNotifier(const OutboxNotifier&) = delete;
  OutboxNotifier& operator=(const OutboxNotifier&) = delete;

  void Poke();
  int64_t sent() const { return sent_.load(); }

 private:
  void Run();

  const std::string conninfo_;
  const std::map<std::string, std::string> overrides_;
  const absl::Duration min_interval_;
  absl::Mutex mu_;
  bool poked_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::atomic<int64_t> sent_{0};
  std::thread thread_;
};

class Outbox {
 public:
  // Without a notifier, each transaction NOTIFYs within itself (correct, but serialising: see
  // OutboxNotifier); services pass theirs.
  explicit Outbox(std::string topic, OutboxNotifier* notifier = nullptr)
      : topic_(std::move(topic)), notifier_(notifier) {}
  absl::Status Append(pg::Transaction& tx, const zp::events::v1::Event& event) const;
  // Many events in one statement (bulk work such as imports).
  absl::Status AppendAll(pg::Transaction& tx,
                         const std::vector<zp::events::v1::Event>& events) const;
  const std::string& topic() const { return topic_; }

 private:
  std::string topic_;
  OutboxNotifier* notifier_;
};

}  // namespace zp::events
