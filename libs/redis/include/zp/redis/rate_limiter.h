#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
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
//
// With a lease above 1, a call that reaches Redis takes up to `lease` tokens at once and the
// process spends the rest locally (TakeLocal), for at most `lease_ttl`: one Redis round trip per
// `lease` requests of a busy key. Tokens leased and not spent in time are dropped, never given to
// another key: the shared limit still holds across replicas; a key may be refused by one replica
// while another holds up to `lease - 1` of its tokens.
class RateLimiter {
 public:
  RateLimiter(Pool& pool, std::string prefix, RateLimit limit,
              const core::Clock& clock = core::SystemClock::Instance(), int64_t lease = 1,
              absl::Duration lease_ttl = absl::Seconds(1))
      : pool_(pool),
        prefix_(std::move(prefix)),
        limit_(limit),
        clock_(clock),
        lease_(std::max<int64_t>(1, lease)),
        lease_ttl_(lease_ttl) {}

  // Spends from the local lease; nullopt when it holds too few tokens (then call Take).
  std::optional<RateDecision> TakeLocal(const std::string& key, int64_t cost = 1);
  // TakeLocal, else the shared bucket in Redis (which refills the local lease).
  absl::StatusOr<RateDecision> Take(const std::string& key, int64_t cost = 1);
  int64_t lease() const { return lease_; }

  // A lease for `limit`: a tenth of a second's refill, between 1 and 32 and at most a quarter of
  // the burst; 1 (no lease) for slow buckets, where every request should meet the shared state.
  static int64_t LeaseFor(const RateLimit& limit);

 private:
  struct Lease {
    int64_t tokens = 0;
    absl::Time expires;
  };
  static constexpr size_t kMaxLeases = 100000;

  Pool& pool_;
  std::string prefix_;
  RateLimit limit_;
  const core::Clock& clock_;
  const int64_t lease_;
  const absl::Duration lease_ttl_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, Lease> leases_ ABSL_GUARDED_BY(mu_);
};

}  // namespace zp::redis
