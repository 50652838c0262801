#include "services/watiqa/src/tracking_cache.h"

#include "absl/strings/str_cat.h"
#include "zp/log/log.h"
#include "zp/watiqa/v1/events.pb.h"

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

// The order's reference and version carried by an event of type M, if `event` is one.
template <typename M>
bool OrderVersion(const events::v1::Event& event, std::string* reference, int* version) {
  M m;
  if (event.type() != M::descriptor()->full_name() || !m.ParseFromString(event.payload())) {
    return false;
  }
  *reference = m.reference();
  *version = m.version();
  return true;
}

}  // namespace

absl::Status TrackingCache::Apply(const events::v1::Event& event) {
  std::string reference;
  int version = 0;
  if (OrderVersion<v1::OrderStateChanged>(event, &reference, &version) ||
      OrderVersion<v1::RefundFlagged>(event, &reference, &version) ||
      OrderVersion<v1::RefundPaid>(event, &reference, &version) ||
      OrderVersion<v1::ShipmentRegistered>(event, &reference, &version)) {
    return Invalidate(reference, version);
  }
  return absl::OkStatus();
}

void TrackingCache::ExportTo(prometheus::Registry& registry) {
  auto& family = prometheus::BuildCounter()
                     .Name("zp_watiqa_tracking_cache_total")
                     .Help("Tracking cache lookups and invalidations by outcome")
                     .Register(registry);
  hit_counter_ = &family.Add({{"outcome", "hit"}});
  miss_counter_ = &family.Add({{"outcome", "miss"}});
  error_counter_ = &family.Add({{"outcome", "error"}});
  invalidation_counter_ = &family.Add({{"outcome", "invalidation"}});
}

std::optional<std::string> TrackingCache::Get(const std::string& reference) {
  if (pool_ == nullptr) return std::nullopt;
  auto reply = pool_->Command({"HGET", Key(reference), "p"});
  if (!reply.ok()) {
    Count(errors_, error_counter_);
    return std::nullopt;
  }
  if ((*reply)->type != REDIS_REPLY_STRING) {
    Count(misses_, miss_counter_);
    return std::nullopt;
  }
  Count(hits_, hit_counter_);
  return std::string((*reply)->str, (*reply)->len);
}

void TrackingCache::Put(const std::string& reference, int version, const std::string& payload) {
  if (pool_ == nullptr) return;
  auto reply = pool_->Command({"EVAL", kPut, "1", Key(reference), absl::StrCat(version), payload,
                               absl::StrCat(absl::ToInt64Milliseconds(ttl_))});
  if (!reply.ok()) Count(errors_, error_counter_);
}

absl::Status TrackingCache::Invalidate(const std::string& reference, int version) {
  if (pool_ == nullptr) return absl::OkStatus();
  auto reply = pool_->Command({"EVAL", kInvalidate, "1", Key(reference), absl::StrCat(version),
                               absl::StrCat(absl::ToInt64Milliseconds(ttl_))});
  if (!reply.ok()) {
    Count(errors_, error_counter_);
    return reply.status();
  }
  if (invalidation_counter_ != nullptr) invalidation_counter_->Increment();
  return absl::OkStatus();
}

}  // namespace zp::watiqa
