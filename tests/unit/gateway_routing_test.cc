#include <catch2/catch.hpp>

#include "gateway/src/http_status.h"
#include "gateway/src/path_template.h"
#include "gateway/src/route_table.h"
#include "google/protobuf/descriptor.h"
#include "zp/testing/v1/echo.grpc.pb.h"

namespace zp::gateway {
namespace {

TEST_CASE("path template: literals, variables, wildcards and verbs", "[gateway]") {
  auto t = PathTemplate::Parse("/v1/{name=shelves/*/books/*}:publish");
  REQUIRE(t.ok());
  CHECK(t->verb() == "publish");
  REQUIRE(t->variables().size() == 1);
  CHECK(t->variables()[0].field_path == "name");
  auto m = t->Match({"v1", "shelves", "s1", "books", "b2"}, "publish");
  REQUIRE(m.has_value());
  CHECK((*m)[0].second == "shelves/s1/books/b2");
  CHECK_FALSE(t->Match({"v1", "shelves", "s1", "books", "b2"}, "").has_value());
  CHECK_FALSE(t->Match({"v1", "shelves", "s1", "books"}, "publish").has_value());
  CHECK_FALSE(t->Match({"v1", "shelves", "", "books", "b"}, "publish").has_value());

  auto simple = PathTemplate::Parse("/v1/acts/{id}");
  REQUIRE(simple.ok());
  CHECK((*simple->Match({"v1", "acts", "42"}, ""))[0] ==
        std::make_pair(std::string("id"), std::string("42")));

  auto rest = PathTemplate::Parse("/v1/files/{path=**}");
  REQUIRE(rest.ok());
  CHECK((*rest->Match({"v1", "files", "a", "b", "c.txt"}, ""))[0].second == "a/b/c.txt");
  CHECK((*rest->Match({"v1", "files"}, ""))[0].second.empty());

  auto nested = PathTemplate::Parse("/v1/{thing.name=things/*}");
  REQUIRE(nested.ok());
  CHECK(nested->variables()[0].field_path == "thing.name");
}

TEST_CASE("path template: malformed templates are refused", "[gateway]") {
  for (const char* bad : {"v1/x", "/v1/{id", "/v1/{a=**}/x", "/v1/{a.}", "/v1//x",
                          "/v1/x:", "/v1/{a}/{a}", "/v1/{a={b}}"}) {
    INFO(bad);
    CHECK_FALSE(PathTemplate::Parse(bad).ok());
  }
}

TEST_CASE("request paths: percent-decoding per segment and the verb suffix", "[gateway]") {
  SplitPath p = SplitRequestPath("/v1/things/a%2Fb%20c:activate");
  REQUIRE(p.valid);
  CHECK(p.segments == std::vector<std::string>{"v1", "things", "a/b c"});
  CHECK(p.verb == "activate");
  CHECK(p.segments_no_verb.back() == "a/b c:activate");
  CHECK_FALSE(SplitRequestPath("/v1/%zz").valid);
  CHECK_FALSE(SplitRequestPath("/v1/%2").valid);
  CHECK_FALSE(SplitRequestPath("v1").valid);
  CHECK(*PercentDecode("a+b%41", true) == "a bA");
  CHECK(*PercentDecode("a+b", false) == "a+b");
}

const google::protobuf::ServiceDescriptor* Echo() {
  return google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
      "zp.testing.v1.EchoService");
}

TEST_CASE("route table: every binding of the test service, best match first", "[gateway]") {
  auto table = RouteTable::Build({Echo()});
  REQUIRE(table.ok());
  auto name_of = [&](const char* method, const char* path) {
    RouteMatch m = (*table)->Match(method, path);
    return m.outcome == MatchOutcome::kMatched ? m.route->method->name() : std::string("-");
  };
  CHECK(name_of("POST", "/v1/echo") == "Echo");
  CHECK(name_of("GET", "/v1/echo/hi") == "Echo");
  CHECK(name_of("GET", "/v1/things/x") == "GetThing");
  CHECK(name_of("PATCH", "/v1/things/x") == "UpdateThing");
  CHECK(name_of("DELETE", "/v1/things/x") == "DeleteThing");
  CHECK(name_of("POST", "/v1/things/x:activate") == "ActivateThing");
  CHECK(name_of("GET", "/v1/things") == "ListThings");
  CHECK(name_of("SEARCH", "/v1/things") == "SearchThings");
  CHECK(name_of("GET", "/v1/things:watch") == "WatchThings");
  CHECK(name_of("GET", "/v1/files/a/b") == "GetFile");
  CHECK(name_of("PUT", "/v1/shelves/7") == "PutThing");
  RouteMatch wrong = (*table)->Match("PUT", "/v1/things/x");
  CHECK(wrong.outcome == MatchOutcome::kWrongMethod);
  CHECK(std::find(wrong.allowed_methods.begin(), wrong.allowed_methods.end(), "GET") !=
        wrong.allowed_methods.end());
  CHECK((*table)->Match("GET", "/v2/nothing").outcome == MatchOutcome::kNoRoute);
  CHECK((*table)->Match("GET", "/v1/things/%zz").outcome == MatchOutcome::kBadPath);
  RouteMatch ping = (*table)->Match("GET", "/v1/ping");
  REQUIRE(ping.outcome == MatchOutcome::kMatched);
  CHECK(ping.route->is_public);
  CHECK_FALSE((*table)->Match("GET", "/v1/things/x").route->is_public);
  CHECK((*table)->Match("POST", "/v1/echo").route->has_request_id);
}

TEST_CASE("gRPC codes map to the HTTP statuses of Envoy and grpc-gateway", "[gateway]") {
  const std::vector<std::pair<grpc::StatusCode, int>> table = {
      {grpc::StatusCode::OK, 200},
      {grpc::StatusCode::CANCELLED, 499},
      {grpc::StatusCode::UNKNOWN, 500},
      {grpc::StatusCode::INVALID_ARGUMENT, 400},
      {grpc::StatusCode::DEADLINE_EXCEEDED, 504},
      {grpc::StatusCode::NOT_FOUND, 404},
      {grpc::StatusCode::ALREADY_EXISTS, 409},
      {grpc::StatusCode::PERMISSION_DENIED, 403},
      {grpc::StatusCode::UNAUTHENTICATED, 401},
      {grpc::StatusCode::RESOURCE_EXHAUSTED, 429},
      {grpc::StatusCode::FAILED_PRECONDITION, 400},
      {grpc::StatusCode::ABORTED, 409},
      {grpc::StatusCode::OUT_OF_RANGE, 400},
      {grpc::StatusCode::UNIMPLEMENTED, 501},
      {grpc::StatusCode::INTERNAL, 500},
      {grpc::StatusCode::UNAVAILABLE, 503},
      {grpc::StatusCode::DATA_LOSS, 500},
  };
  for (const auto& [code, http] : table) {
    CHECK(HttpStatusFor(code) == http);
  }
}

}  // namespace
}  // namespace zp::gateway
