// The table of services: parsed strictly, the ports derived from it, and the Helm chart's values
// in agreement with it.
#include "zp/service/service_table.h"

#include <catch2/catch.hpp>
#include <map>
#include <regex>

#include "tests/support/test_env.h"
#include "zp/core/files.h"

namespace zp::service {
namespace {

TEST_CASE("services table: every service's index gives its ports", "[kit]") {
  auto sgec = FindService("sgec");
  REQUIRE(sgec.ok());
  CHECK(sgec->index == 1);
  CHECK(sgec->grpc_port() == 50101);
  CHECK(sgec->partner_port() == 50201);
  CHECK(sgec->metrics_port() == 9101);
  CHECK(sgec->api == "zp.sgec.v1.CivilRegistry");
  auto watiqa = FindService("watiqa");
  REQUIRE(watiqa.ok());
  CHECK(watiqa->partner);
  CHECK(FindService("nothing").status().code() == absl::StatusCode::kNotFound);
  CHECK(Services().size() >= 3);
}

TEST_CASE("services table: a malformed table names its line", "[kit]") {
  CHECK(ParseServiceTable("# comment\nsgec 1 zp.sgec.v1.CivilRegistry no\n").ok());
  for (const char* bad : {"sgec 1 zp.sgec.v1.CivilRegistry\n", "sgec x zp.a.v1.A no\n",
                          "sgec 0 zp.a.v1.A no\n", "sgec 1 zp.a.v1.A maybe\n",
                          "a 1 zp.a.v1.A no\nb 1 zp.b.v1.B no\n", "a 1 zp.a.v1.A no\na 2 x no\n"}) {
    INFO(bad);
    auto parsed = ParseServiceTable(bad);
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.status().message().find("line") != absl::string_view::npos);
  }
}

TEST_CASE("services table: the Helm chart deploys each service under its index", "[kit]") {
  auto values = core::ReadFile(testing::SourceDir() + "/charts/zeropapier/values.yaml");
  REQUIRE(values.ok());
  // "  <name>:" opens a service under services:, "    index: N" and "    partner: true" follow.
  std::map<std::string, std::pair<int, bool>> chart;
  std::string current;
  bool in_services = false;
  std::istringstream lines(*values);
  for (std::string line; std::getline(lines, line);) {
    std::smatch m;
    if (line == "services:") {
      in_services = true;
    } else if (in_services && std::regex_match(line, m, std::regex(R"(  ([a-z]+):\s*)"))) {
      current = m[1];
      chart[current] = {0, false};
    } else if (in_services && std::regex_match(line, m, std::regex(R"(    index: (\d+)\s*)"))) {
      chart[current].first = std::stoi(m[1]);
    } else if (in_services && std::regex_search(line, std::regex(R"(^    partner: true)"))) {
      chart[current].second = true;
    }
  }
  REQUIRE(chart.size() == Services().size());
  for (const ServiceEntry& e : Services()) {
    INFO(e.name);
    REQUIRE(chart.count(e.name) == 1);
    CHECK(chart[e.name].first == e.index);
    CHECK(chart[e.name].second == e.partner);
  }
}

}  // namespace
}  // namespace zp::service
