#pragma once

#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "zp/pg/pool.h"

namespace zp::pg {

// A fresh, empty database for one test on the real server, dropped (with its connections) when
// the object goes away. The server comes from ZP_TEST_PG_URL (set by the test harness).
class TestDatabase {
 public:
  static absl::StatusOr<std::unique_ptr<TestDatabase>> Create();
  static absl::StatusOr<std::unique_ptr<TestDatabase>> Create(const std::string& server_url);
  ~TestDatabase();

  const std::string& name() const { return name_; }
  const std::string& server_url() const { return server_url_; }
  // Pool options that reach this database.
  PoolOptions pool_options(int size = 4) const;
  std::map<std::string, std::string> overrides() const { return {{"dbname", name_}}; }

 private:
  TestDatabase(std::string server_url, std::string name)
      : server_url_(std::move(server_url)), name_(std::move(name)) {}
  std::string server_url_;
  std::string name_;
};

// The server URL used by tests: $ZP_TEST_PG_URL, else the local default.
std::string TestServerUrl();

}  // namespace zp::pg
