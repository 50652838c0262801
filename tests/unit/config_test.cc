#include "zp/core/config.h"

#include <catch2/catch.hpp>

#include "zp/core/status.h"

namespace zp::core {
namespace {

const std::vector<Setting> kSettings = {
    {"pg_url", "postgresql://localhost/db", "database"},
    {"pool_size", "8", "pool"},
    {"timeout", "5s", "timeout"},
    {"verbose", "false", "verbose"},
};

EnvLookup FakeEnv(std::map<std::string, std::string> values) {
  return [values](const std::string& name) -> std::optional<std::string> {
    auto it = values.find(name);
    if (it == values.end()) {
      return std::nullopt;
    }
    return it->second;
  };
}

TEST_CASE("config: defaults, then env ZP_<NAME>, then flags", "[config]") {
  const char* argv[] = {"svc", "--pool_size=16", "--timeout", "250ms", "positional"};
  auto config = Config::Parse(kSettings, 5, argv,
                              FakeEnv({{"ZP_POOL_SIZE", "12"}, {"ZP_PG_URL", "postgresql://env"}}));
  REQUIRE(config.ok());
  CHECK(config->String("pg_url") == "postgresql://env");
  CHECK(*config->Int("pool_size") == 16);
  CHECK(*config->Duration("timeout") == absl::Milliseconds(250));
  CHECK(*config->Bool("verbose") == false);
  CHECK(config->args() == std::vector<std::string>{"positional"});
  CHECK(Config::EnvName("pg_url") == "ZP_PG_URL");
}

TEST_CASE("config: an unknown flag is an error naming it", "[config]") {
  const char* argv[] = {"svc", "--pool_sise=3"};
  auto config = Config::Parse(kSettings, 2, argv, FakeEnv({}));
  REQUIRE(config.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(FieldViolationsOf(config.status())[0].field == "pool_sise");
}

TEST_CASE("config: malformed values are reported, never defaulted", "[config]") {
  const char* argv[] = {"svc"};
  auto config = Config::Parse(kSettings, 1, argv,
                              FakeEnv({{"ZP_POOL_SIZE", "eight"}, {"ZP_TIMEOUT", "soon"}}));
  REQUIRE(config.ok());
  CHECK(config->Int("pool_size").status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(config->Duration("timeout").status().code() == absl::StatusCode::kInvalidArgument);
}

TEST_CASE("config: --help is reported and the usage lists every setting", "[config]") {
  const char* argv[] = {"svc", "--help"};
  auto config = Config::Parse(kSettings, 2, argv, FakeEnv({}));
  REQUIRE(config.ok());
  CHECK(config->help_requested());
  CHECK(config->Usage().find("ZP_POOL_SIZE") != std::string::npos);
  const char* missing_value[] = {"svc", "--timeout"};
  CHECK_FALSE(Config::Parse(kSettings, 2, missing_value, FakeEnv({})).ok());
}

}  // namespace
}  // namespace zp::core
