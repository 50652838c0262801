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
