#include "services/watiqa/src/tracking_cache.h"

#include "absl/strings/str_cat.h"
#include "zp/log/log.h"

namespace zp::watiqa {

namespace {

// KEYS[1] entry; ARGV[1] version read, ARGV[2] payload, ARGV[3] ttl (ms).
constexpr char kPut[] = R"lua(
local v = tonumber(redis.call('HGET', KEYS[1], 'v') or '-1')
if tonumber(ARGV[1]) < v then return 0 end
redis.call('HSET', KEYS[1], 'v', ARGV[1], 'p', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1)lua";

// KEYS[1] entry; ARGV[1] the order's new version, ARGV[2] ttl (ms).
constexpr char kInvalidate[] = R"lua(
local v = tonumber(redis.call('HGET', KEYS[1], 'v') or '-1')
if v >= tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'v', ARGV[1])
redis.call('HDEL', KEYS[1], 'p')
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1)lua";

}  // namespace

std::optional<std::string> TrackingCache::Get(const std::string& reference) {
  if (pool_ == nullptr) return std::nullopt;
  auto reply = pool_->Command({"HGET", Key(reference), "p"});
  if (!reply.ok()) {
    ++errors_;
    return std::nullopt;
  }
  if ((*reply)->type != REDIS_REPLY_STRING) {
    ++misses_;
    return std::nullopt;
  }
  ++hits_;
  return std::string((*reply)->str, (*reply)->len);
}

void TrackingCache::Put(const std::string& reference, int version, const std::string& payload) {
  if (pool_ == nullptr) return;
  auto reply = pool_->Command({"EVAL", kPut, "1", Key(reference), absl::StrCat(version), payload,
                               absl::StrCat(absl::ToInt64Milliseconds(ttl_))});
  if (!reply.ok()) ++errors_;
}

absl::Status TrackingCache::Invalidate(const std::string& reference, int version) {
  if (pool_ == nullptr) return absl::OkStatus();
  auto reply = pool_->Command({"EVAL", kInvalidate, "1", Key(reference), absl::StrCat(version),
                               absl::StrCat(absl::ToInt64Milliseconds(ttl_))});
  if (!reply.ok()) {
    ++errors_;
    return reply.status();
  }
  return absl::OkStatus();
}

}  // namespace zp::watiqa
