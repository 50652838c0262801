#pragma once

// The public tracking answers in Redis, kept fresh by the order's own events.
//
// Each entry is a hash {v: version, p: payload}. Every change of an order raises its version
// (orders.version) and its event carries it; the event consumer raises the entry's v to that
// version and drops p (Invalidate), and a reader may store what it read from the database only
// when its version is not below the entry's v (Put). So a reader that read before a change and
// writes after the change's event never puts the old answer back. Redis being away never fails a
// request: the database answers.

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "prometheus/counter.h"
#include "prometheus/registry.h"
#include "zp/events/v1/event.pb.h"
#include "zp/redis/pool.h"

namespace zp::watiqa {

class TrackingCache {
 public:
  // `pool` nullptr: no cache (every request reads the database).
  TrackingCache(redis::Pool* pool, absl::Duration ttl, std::string prefix = "watiqa:track")
      : pool_(pool), ttl_(ttl), prefix_(std::move(prefix)) {}

  // zp_watiqa_tracking_cache_total{outcome="hit"|"miss"|"error"|"invalidation"}.
  void ExportTo(prometheus::Registry& registry);

  bool enabled() const { return pool_ != nullptr; }
  // The payload stored for `reference`, if any is current.
  std::optional<std::string> Get(const std::string& reference);
  // Stores `payload` read at `version` unless a newer version is known.
  void Put(const std::string& reference, int version, const std::string& payload);
  // The order changed to `version`: older payloads are no longer served.
  absl::Status Invalidate(const std::string& reference, int version);
  // One of the service's own events (consumer of its topic): an order's event invalidates its
  // entry at the event's version; other events are ignored.
  absl::Status Apply(const events::v1::Event& event);

  struct Stats {
    int64_t hits = 0, misses = 0, errors = 0;
  };
  Stats stats() const { return {hits_.load(), misses_.load(), errors_.load()}; }

 private:
  std::string Key(const std::string& reference) const { return prefix_ + ":" + reference; }
  redis::Pool* pool_;
  absl::Duration ttl_;
  std::string prefix_;
  std::atomic<int64_t> hits_{0}, misses_{0}, errors_{0};
  prometheus::Counter* hit_counter_ = nullptr;
  prometheus::Counter* miss_counter_ = nullptr;
  prometheus::Counter* error_counter_ = nullptr;
  prometheus::Counter* invalidation_counter_ = nullptr;
  void Count(std::atomic<int64_t>& n, prometheus::Counter* c) {
    ++n;
    if (c != nullptr) c->Increment();
  }
};

}  // namespace zp::watiqa
