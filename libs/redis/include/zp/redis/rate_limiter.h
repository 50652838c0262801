#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "zp/core/clock.h"
#include "zp/redis/pool.h"

namespace zp::redis {

struct RateLimit {
  // Bucket size: the largest burst allowed.
  int64_t capacity = 60;
  // Tokens added per second.
  double refill_per_second = 1.0;
};

struct RateDecision {
  bool allowed = false;
  int64_t remaining = 0;
  // When refused, how long until `cost` tokens are available (for Retry-After).
  absl::Duration retry_after;
};

// A token bucket per key, kept in Redis and updated by one Lua script so that concurrent callers
// on any number of replicas never overspend a bucket. Buckets expire once they would be full again.
class RateLimiter {
 public:
  RateLimiter(Pool& pool, std::string prefix, RateLimit limit,
              const core::Clock& clock = core::SystemClock::Instance())
      : pool_(pool), prefix_(std::move(prefix)), limit_(limit), clock_(clock) {}

  absl::StatusOr<RateDecision> Take(const std::string& key, int64_t cost = 1);

 private:
  Pool& pool_;
  std::string prefix_;
  RateLimit limit_;
  const core::Clock& clock_;
};

}  // namespace zp::redis
