// The zp-@svc@ binary behind zp-gateway, over HTTPS/JSON as a front end calls it.
#include <catch2/catch.hpp>

#include "tests/e2e/e2e_helpers.h"
#include "tests/support/service_stack.h"

namespace zp::testing {
namespace {

TEST_CASE("@svc@ e2e: a record created and read over HTTPS", "[e2e][@svc@]") {
  ServiceStack s("@svc@", "zp.@svc@.v1.@Svc@");
  REQUIRE(s.WaitReady());
  const std::string agent = s.Token({"agent"}, {"01.511.01.01"});
  auto created = s.Call("POST", "/v1/@svc@/records", agent,
                        R"({"territoryCode":"01.511.01.01","title":"Premier dossier"})");
  INFO(created.body);
  REQUIRE(created.status == 200);
  const std::string id = Str(Json(created.body), "id");
  auto read = s.Call("GET", "/v1/@svc@/records/" + id, agent);
  CHECK(read.status == 200);
  CHECK(Str(Json(read.body), "title") == "Premier dossier");
  CHECK(s.Call("GET", "/v1/@svc@/records/" + id, s.Token({"agent"}, {"06.141.01.0"})).status ==
        404);
  auto bad = s.Call("POST", "/v1/@svc@/records", agent, R"({"territoryCode":"01.511.01.01"})");
  CHECK(bad.status == 400);
  CHECK(bad.body.find("title") != std::string::npos);
}

}  // namespace
}  // namespace zp::testing
