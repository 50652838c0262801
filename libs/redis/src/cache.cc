#include "zp/redis/cache.h"

#include "absl/strings/str_cat.h"
#include "zp/log/log.h"

namespace zp::redis {
namespace {

// Stores the loaded value only if no invalidation happened since the load started (the generation
// is unchanged), so that a slow loader never puts back a value that a writer just invalidated.
constexpr absl::string_view kSetIfGeneration = R"lua(
local generation = redis.call('GET', KEYS[2]) or '0'
if generation == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
  return 1
end
return 0
)lua";

}  // namespace

absl::StatusOr<std::string> Cache::Get(const std::string& key, const Loader& loader) {
  const std::string full = FullKey(key);
  const std::string generation_key = full + ":gen";
  absl::StatusOr<ReplyPtr> cached = pool_.Command({"MGET", full, generation_key});
  std::string generation = "0";
  if (cached.ok() && (*cached)->type == REDIS_REPLY_ARRAY && (*cached)->elements == 2) {
    const redisReply* value = (*cached)->element[0];
    if (value->type == REDIS_REPLY_STRING) {
      ++hits_;
      return std::string(value->str, value->len);
    }
    const redisReply* gen = (*cached)->element[1];
    if (gen->type == REDIS_REPLY_STRING) {
      generation.assign(gen->str, gen->len);
    }
  } else if (!cached.ok()) {
    spdlog::warn("cache {}: redis unavailable, reading through: {}", prefix_,
                 cached.status().message());
  }
  ++misses_;
  absl::StatusOr<std::string> loaded = loader();
  if (!loaded.ok() || !cached.ok()) {
    return loaded;
  }
  (void)pool_.Command({"EVAL", std::string(kSetIfGeneration), "2", full, generation_key, generation,
                       *loaded, absl::StrCat(absl::ToInt64Milliseconds(ttl_))});
  return loaded;
}

absl::Status Cache::Invalidate(const std::string& key) {
  const std::string full = FullKey(key);
  absl::StatusOr<ReplyPtr> bumped = pool_.Command({"INCR", full + ":gen"});
  if (!bumped.ok()) {
    return bumped.status();
  }
  return pool_.Command({"DEL", full}).status();
}

}  // namespace zp::redis
