#include "zp/redis/rate_limiter.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "zp/core/files.h"

namespace zp::redis {
namespace {

// KEYS[1] bucket; ARGV: capacity, tokens per ms, now (ms), cost, lease (>= cost: tokens taken when
// available, at least `cost`). Returns {allowed (0/1), tokens left (floor), ms until `cost` tokens
// are available, tokens taken}.
constexpr absl::string_view kTokenBucketScript = R"lua(
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local cost = tonumber(ARGV[4])
local lease = tonumber(ARGV[5])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1])
local ts = tonumber(state[2])
if tokens == nil or ts == nil then
  tokens = capacity
  ts = now
end
if now > ts then
  tokens = math.min(capacity, tokens + (now - ts) * rate)
  ts = now
end
local allowed = 0
local wait = 0
local taken = 0
if tokens >= cost then
  taken = math.max(cost, math.min(lease, math.floor(tokens)))
  tokens = tokens - taken
  allowed = 1
else
  wait = math.ceil((cost - tokens) / rate)
end
redis.call('HSET', KEYS[1], 'tokens', string.format('%.6f', tokens), 'ts', string.format('%d', ts))
redis.call('PEXPIRE', KEYS[1], math.ceil((capacity - tokens) / rate) + 1000)
return {allowed, math.floor(tokens), wait, taken}
)lua";

}  // namespace

int64_t RateLimiter::LeaseFor(const RateLimit& limit) {
  const auto tenth = static_cast<int64_t>(limit.refill_per_second / 10);
  return std::clamp<int64_t>(std::min(tenth, limit.capacity / 4), 1, 32);
}

std::optional<RateDecision> RateLimiter::TakeLocal(const std::string& key, int64_t cost) {
  if (lease_ <= 1) return std::nullopt;
  const absl::Time now = clock_.Now();
  absl::MutexLock lock(&mu_);
  auto it = leases_.find(key);
  if (it == leases_.end() || it->second.expires <= now || it->second.tokens < cost) {
    return std::nullopt;
  }
  it->second.tokens -= cost;
  RateDecision decision;
  decision.allowed = true;
  decision.remaining = it->second.tokens;
  return decision;
}

absl::StatusOr<RateDecision> RateLimiter::Take(const std::string& key, int64_t cost) {
  if (auto local = TakeLocal(key, cost)) return *local;
  static const std::string* sha = new std::string(core::Sha1Hex(kTokenBucketScript));
  const int64_t now_ms = absl::ToUnixMillis(clock_.Now());
  std::vector<std::string> args = {"EVALSHA",
                                   *sha,
                                   "1",
                                   absl::StrCat(prefix_, ":", key),
                                   absl::StrCat(limit_.capacity),
                                   absl::StrFormat("%.9f", limit_.refill_per_second / 1000.0),
                                   absl::StrCat(now_ms),
                                   absl::StrCat(cost),
                                   absl::StrCat(std::max(cost, lease_))};
  absl::StatusOr<ReplyPtr> reply = pool_.Command(args);
  if (!reply.ok() && absl::StrContains(reply.status().message(), "NOSCRIPT")) {
    // First use on this server (or after a restart): EVAL loads the script into its cache.
    args[0] = "EVAL";
    args[1] = std::string(kTokenBucketScript);
    reply = pool_.Command(args);
  }
  if (!reply.ok()) {
    return reply.status();
  }
  const redisReply* r = reply->get();
  if (r->type != REDIS_REPLY_ARRAY || r->elements != 4) {
    return absl::InternalError("redis: unexpected reply from the rate limiter script");
  }
  RateDecision decision;
  decision.allowed = r->element[0]->integer == 1;
  decision.remaining = r->element[1]->integer;
  decision.retry_after = absl::Milliseconds(r->element[2]->integer);
  const int64_t spare = r->element[3]->integer - cost;
  if (decision.allowed && spare > 0) {
    absl::MutexLock lock(&mu_);
    if (leases_.size() >= kMaxLeases) leases_.clear();  // leases are short-lived: drop them all
    leases_[key] = Lease{spare, clock_.Now() + lease_ttl_};
  }
  return decision;
}

}  // namespace zp::redis
