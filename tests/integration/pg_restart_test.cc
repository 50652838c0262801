#include <catch2/catch.hpp>
#include <map>
#include <thread>

#include "absl/strings/str_cat.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_env.h"
#include "zp/pg/pool.h"
#include "zp/pg/transaction.h"

namespace zp::pg {
namespace {

// A PostgreSQL server of this test's own (own port and data folder), so that restarting it
// disturbs no other test.
class PrivateServer {
 public:
  PrivateServer()
      : port_(testing::FreePort()),
        env_({{"ZP_RUN_DIR", absl::StrCat("/tmp/zp-pg-restart-", port_)},
              {"ZP_PG_PORT", absl::StrCat(port_)},
              {"ZP_PG_FAST", "1"}}) {
    REQUIRE(Stack("start") == 0);
  }
  ~PrivateServer() {
    Stack("stop");
    testing::RunCommand(
        "rm -rf \"$ZP_RUN_DIR\" /tmp/zeropapier-$(printf '%s' \"$ZP_RUN_DIR\" | "
        "sha256sum | cut -c1-12)",
        env_);
  }
  int Stack(const std::string& action) {
    return testing::RunCommand(
        absl::StrCat(testing::SourceDir(), "/deploy/local/stack.sh ", action, " pg 2>/dev/null"),
        env_);
  }
  std::string url() const { return absl::StrCat("postgresql://zp@127.0.0.1:", port_, "/postgres"); }

 private:
  int port_;
  std::map<std::string, std::string> env_;
};

TEST_CASE("pg: the pool survives a server restart, callers get UNAVAILABLE meanwhile",
          "[integration][pg][restart]") {
  PrivateServer server;
  PoolOptions options;
  options.conninfo = server.url();
  options.size = 4;
  options.connect_timeout = absl::Seconds(1);
  options.acquire_timeout = absl::Seconds(1);
  Pool pool(options);
  REQUIRE(pool.Exec(Query{"r_create", "CREATE TABLE ticks (at timestamptz DEFAULT now())"}).ok());

  std::atomic<bool> stop{false};
  std::mutex mu;
  std::map<absl::StatusCode, int> outcomes;
  std::vector<std::thread> workers;
  for (int w = 0; w < 3; ++w) {
    workers.emplace_back([&] {
      while (!stop) {
        absl::Status s = RunInTransaction(pool, [](Transaction& tx) {
          return tx.Exec(Query{"r_tick", "INSERT INTO ticks DEFAULT VALUES"}).status();
        });
        {
          std::lock_guard<std::mutex> lock(mu);
          ++outcomes[s.code()];
        }
        absl::SleepFor(absl::Milliseconds(5));
      }
    });
  }
  auto count_of = [&](absl::StatusCode code) {
    std::lock_guard<std::mutex> lock(mu);
    return outcomes[code];
  };
  REQUIRE(
      testing::Eventually([&] { return count_of(absl::StatusCode::kOk) > 20; }, absl::Seconds(10)));
  REQUIRE(server.Stack("stop") == 0);
  CHECK(testing::Eventually([&] { return count_of(absl::StatusCode::kUnavailable) > 5; },
                            absl::Seconds(10)));
  const int ok_while_down = count_of(absl::StatusCode::kOk);
  absl::SleepFor(absl::Milliseconds(500));
  CHECK(count_of(absl::StatusCode::kOk) == ok_while_down);
  REQUIRE(server.Stack("start") == 0);
  CHECK(testing::Eventually([&] { return count_of(absl::StatusCode::kOk) > ok_while_down + 20; },
                            absl::Seconds(15)));
  stop = true;
  for (auto& w : workers) {
    w.join();
  }
  std::lock_guard<std::mutex> lock(mu);
  for (const auto& [code, n] : outcomes) {
    INFO(absl::StatusCodeToString(code) << " x" << n);
    CHECK((code == absl::StatusCode::kOk || code == absl::StatusCode::kUnavailable));
  }
  CHECK(pool.in_use() == 0);
  auto rows = pool.Exec(Query{"r_count", "SELECT count(*) FROM ticks"});
  REQUIRE(rows.ok());
  CHECK(rows->Int(0, 0) >= outcomes[absl::StatusCode::kOk]);
}

}  // namespace
}  // namespace zp::pg
