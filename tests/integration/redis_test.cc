#include <catch2/catch.hpp>
#include <thread>

#include "tests/support/test_env.h"
#include "zp/core/clock.h"
#include "zp/redis/cache.h"
#include "zp/redis/pool.h"
#include "zp/redis/rate_limiter.h"

namespace zp::redis {
namespace {

TEST_CASE("redis: pooled commands are binary-safe", "[integration][redis]") {
  Pool pool(testing::RedisOptions());
  std::string key = testing::UniqueName("t:");
  std::string value("a\0b\r\n", 5);
  REQUIRE(pool.Command({"SET", key, value, "PX", "60000"}).ok());
  auto got = pool.Command({"GET", key});
  REQUIRE(got.ok());
  CHECK(std::string((*got)->str, (*got)->len) == value);
  CHECK(pool.Command({"NOSUCHCOMMAND"}).status().code() == absl::StatusCode::kInternal);
}

TEST_CASE("redis: an unreachable server is UNAVAILABLE, quickly", "[integration][redis]") {
  Options options = testing::RedisOptions();
  options.port = testing::FreePort();
  Pool pool(options);
  absl::Time start = absl::Now();
  CHECK(pool.Command({"PING"}).status().code() == absl::StatusCode::kUnavailable);
  CHECK(absl::Now() - start < absl::Seconds(5));
}

TEST_CASE("redis: token bucket allows the burst, refuses the rest, refills with time",
          "[integration][redis]") {
  Pool pool(testing::RedisOptions());
  core::ManualClock clock;
  RateLimiter limiter(pool, testing::UniqueName("rl:"), {5, 1.0}, clock);
  for (int i = 0; i < 5; ++i) {
    auto d = limiter.Take("203.0.113.9");
    REQUIRE(d.ok());
    CHECK(d->allowed);
    CHECK(d->remaining == 4 - i);
  }
  auto refused = limiter.Take("203.0.113.9");
  REQUIRE(refused.ok());
  CHECK_FALSE(refused->allowed);
  CHECK(refused->retry_after == absl::Seconds(1));
  // Another key has its own bucket.
  CHECK(limiter.Take("203.0.113.10")->allowed);
  clock.Advance(absl::Milliseconds(2500));
  CHECK(limiter.Take("203.0.113.9")->allowed);
  CHECK(limiter.Take("203.0.113.9")->allowed);
  CHECK_FALSE(limiter.Take("203.0.113.9")->allowed);
  // A cost larger than what is left.
  clock.Advance(absl::Seconds(60));
  CHECK(limiter.Take("203.0.113.9", 5)->allowed);
  CHECK(limiter.Take("203.0.113.9", 3)->retry_after == absl::Seconds(3));
}

TEST_CASE("redis: concurrent callers never overspend a bucket", "[integration][redis]") {
  Pool pool(testing::RedisOptions());
  core::ManualClock clock;  // frozen: no refill during the test
  RateLimiter limiter(pool, testing::UniqueName("rl:"), {100, 1.0}, clock);
  std::atomic<int> allowed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 60; ++i) {
        auto d = limiter.Take("shared");
        allowed += (d.ok() && d->allowed) ? 1 : 0;
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  CHECK(allowed == 100);
}

TEST_CASE("redis: leased tokens are spent locally, replicas together never overspend a bucket",
          "[integration][redis]") {
  Pool pool(testing::RedisOptions());
  core::ManualClock clock;  // frozen: no refill
  const std::string prefix = testing::UniqueName("rl:");
  // Two replicas of a gateway, each leasing 5 tokens at a time from one bucket of 23.
  RateLimiter a(pool, prefix, {23, 1.0}, clock, /*lease=*/5);
  RateLimiter b(pool, prefix, {23, 1.0}, clock, /*lease=*/5);
  CHECK_FALSE(a.TakeLocal("user").has_value());  // nothing leased yet
  auto first = a.Take("user");
  REQUIRE(first.ok());
  CHECK(first->allowed);
  CHECK(first->remaining == 18);  // the shared bucket gave 5
  for (int i = 0; i < 4; ++i) CHECK(a.TakeLocal("user").has_value());
  CHECK_FALSE(a.TakeLocal("user").has_value());
  int allowed = 5;
  for (int i = 0; i < 40; ++i) {
    auto d = (i % 2 ? a : b).Take("user");
    allowed += (d.ok() && d->allowed) ? 1 : 0;
  }
  CHECK(allowed == 23);  // the last lease was partial: 3 tokens
  // A lease not spent within its time is dropped, not kept.
  RateLimiter c(pool, testing::UniqueName("rl:"), {100, 1.0}, clock, /*lease=*/10,
                absl::Seconds(1));
  REQUIRE(c.Take("k")->allowed);
  CHECK(c.TakeLocal("k").has_value());
  clock.Advance(absl::Milliseconds(1001));
  CHECK_FALSE(c.TakeLocal("k").has_value());
  CHECK(RateLimiter::LeaseFor({120, 20.0}) == 2);
  CHECK(RateLimiter::LeaseFor({30, 2.0}) == 1);
  CHECK(RateLimiter::LeaseFor({100000000, 100000000.0}) == 32);
}

TEST_CASE("redis: read-through cache with TTL and invalidation", "[integration][redis]") {
  Pool pool(testing::RedisOptions());
  Cache cache(pool, testing::UniqueName("cache:"), absl::Seconds(30));
  int loads = 0;
  std::string source = "v1";
  auto loader = [&]() -> absl::StatusOr<std::string> {
    ++loads;
    return source;
  };
  CHECK(*cache.Get("order-1", loader) == "v1");
  CHECK(*cache.Get("order-1", loader) == "v1");
  CHECK(loads == 1);
  source = "v2";
  CHECK(*cache.Get("order-1", loader) == "v1");
  REQUIRE(cache.Invalidate("order-1").ok());
  CHECK(*cache.Get("order-1", loader) == "v2");
  CHECK(loads == 2);
  CHECK(cache.stats().hits == 2);
  auto failing = [&]() -> absl::StatusOr<std::string> { return absl::NotFoundError("gone"); };
  CHECK(cache.Get("order-2", failing).status().code() == absl::StatusCode::kNotFound);

  SECTION("an invalidation during a slow load is not undone by the load") {
    Cache racy(pool, testing::UniqueName("cache:"), absl::Seconds(30));
    source = "old";
    auto slow = [&]() -> absl::StatusOr<std::string> {
      std::string seen = source;
      source = "new";
      REQUIRE(racy.Invalidate("k").ok());  // a writer commits while the reader loads
      return seen;
    };
    CHECK(*racy.Get("k", slow) == "old");
    CHECK(*racy.Get("k", loader) == "new");
  }
}

TEST_CASE("redis: the cache answers from the loader when Redis is away", "[integration][redis]") {
  Options options = testing::RedisOptions();
  options.port = testing::FreePort();
  Pool pool(options);
  Cache cache(pool, "cache", absl::Seconds(30));
  auto loader = []() -> absl::StatusOr<std::string> { return std::string("fresh"); };
  CHECK(*cache.Get("x", loader) == "fresh");
}

}  // namespace
}  // namespace zp::redis
