#pragma once

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "zp/redis/pool.h"

namespace zp::redis {

// A read-through cache: Get answers from Redis when it can, else from the loader, and stores what
// the loader returned for `ttl`. Redis being away never fails a read: the loader answers alone.
// Writers call Invalidate after their change commits (for instance from their own events).
class Cache {
 public:
  using Loader = std::function<absl::StatusOr<std::string>()>;

  Cache(Pool& pool, std::string prefix, absl::Duration ttl)
      : pool_(pool), prefix_(std::move(prefix)), ttl_(ttl) {}

  absl::StatusOr<std::string> Get(const std::string& key, const Loader& loader);
  absl::Status Invalidate(const std::string& key);

  struct Stats {
    int64_t hits = 0;
    int64_t misses = 0;
  };
  Stats stats() const { return {hits_.load(), misses_.load()}; }

 private:
  std::string FullKey(const std::string& key) const { return prefix_ + ":" + key; }
  Pool& pool_;
  std::string prefix_;
  absl::Duration ttl_;
  std::atomic<int64_t> hits_{0};
  std::atomic<int64_t> misses_{0};
};

}  // namespace zp::redis
