#include <catch2/catch.hpp>

#include "gateway/src/openapi.h"
#include "gateway/src/route_table.h"
#include "gateway/src/transcoder.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "google/rpc/error_details.pb.h"
#include "zp/core/status.h"
#include "zp/testing/v1/echo.grpc.pb.h"

namespace zp::gateway {
namespace {

using zp::testing::v1::EchoRequest;
using zp::testing::v1::ListThingsRequest;
using zp::testing::v1::UpdateThingRequest;

struct Fixture {
  std::unique_ptr<RouteTable> table =
      *RouteTable::Build({google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
          "zp.testing.v1.EchoService")});
  RouteMatch Match(const char* method, const char* path) { return table->Match(method, path); }
};

TEST_CASE("transcoder: query parameters fill repeated, nested, enum and int64 fields",
          "[gateway]") {
  Fixture f;
  RouteMatch m = f.Match("GET", "/v1/things");
  auto req =
      BuildRequest(*m.route, m.bindings,
                   "tags=a&tags=b%20c&color=RED&filter.f=x&filter.n=-3&minCount=9007199254740993"
                   "&active=true&ids=1&ids=2&page_size=10",
                   "", TranscodeOptions());
  REQUIRE(req.ok());
  auto& r = static_cast<ListThingsRequest&>(**req);
  CHECK(r.tags_size() == 2);
  CHECK(r.tags(1) == "b c");
  CHECK(r.color() == zp::testing::v1::RED);
  CHECK(r.filter().f() == "x");
  CHECK(r.filter().n() == -3);
  CHECK(r.min_count() == 9007199254740993);
  CHECK(r.active());
  CHECK(r.ids_size() == 2);
  CHECK(r.page_size() == 10);
}

TEST_CASE("transcoder: bad query values and unknown parameters name the field", "[gateway]") {
  Fixture f;
  RouteMatch m = f.Match("GET", "/v1/things");
  auto field_of = [&](const char* query, TranscodeOptions options = TranscodeOptions()) {
    auto req = BuildRequest(*m.route, m.bindings, query, "", options);
    REQUIRE_FALSE(req.ok());
    CHECK(req.status().code() == absl::StatusCode::kInvalidArgument);
    return core::FieldViolationsOf(req.status())[0].field;
  };
  CHECK(field_of("color=PURPLE") == "color");
  CHECK(field_of("minCount=12x") == "minCount");
  CHECK(field_of("active=maybe") == "active");
  CHECK(field_of("nope=1") == "nope");
  CHECK(field_of("page_size=99999999999") == "page_size");
  TranscodeOptions lenient;
  lenient.ignore_unknown_fields = true;
  CHECK(BuildRequest(*m.route, m.bindings, "nope=1", "", lenient).ok());
}

TEST_CASE("transcoder: body '*', body field and path variables", "[gateway]") {
  Fixture f;
  RouteMatch echo = f.Match("POST", "/v1/echo");
  auto req = BuildRequest(*echo.route, echo.bindings, "", R"({"message":"salam","delayMs":0})",
                          TranscodeOptions());
  REQUIRE(req.ok());
  CHECK(static_cast<EchoRequest&>(**req).message() == "salam");

  RouteMatch patch = f.Match("PATCH", "/v1/things/t1");
  auto upd = BuildRequest(*patch.route, patch.bindings, "requestId=r1",
                          R"({"tags":["x"],"count":"5","name":"ignored"})", TranscodeOptions());
  REQUIRE(upd.ok());
  auto& u = static_cast<UpdateThingRequest&>(**upd);
  CHECK(u.thing().name() == "things/t1");  // the path wins over the body
  CHECK(u.thing().count() == 5);
  CHECK(u.request_id() == "r1");

  auto unknown =
      BuildRequest(*echo.route, echo.bindings, "", R"({"mesage":"typo"})", TranscodeOptions());
  REQUIRE_FALSE(unknown.ok());
  CHECK(core::FieldViolationsOf(unknown.status())[0].field == "mesage");
  CHECK_FALSE(BuildRequest(*echo.route, echo.bindings, "", "{not json", TranscodeOptions()).ok());
  CHECK_FALSE(
      BuildRequest(*echo.route, echo.bindings, "", "{\"message\":\"\xff\xfe\"}", TranscodeOptions())
          .ok());
  CHECK_FALSE(BuildRequest(*echo.route, echo.bindings, "message=x", "{}", TranscodeOptions()).ok());
  RouteMatch get = f.Match("GET", "/v1/things/t1");
  CHECK_FALSE(BuildRequest(*get.route, get.bindings, "", "{\"a\":1}", TranscodeOptions()).ok());
}

TEST_CASE("transcoder: Idempotency-Key fills request_id, a different body id is refused",
          "[gateway]") {
  EchoRequest r;
  REQUIRE(ApplyIdempotencyKey(r, "key-1").ok());
  CHECK(r.request_id() == "key-1");
  CHECK(ApplyIdempotencyKey(r, "key-1").ok());
  CHECK(core::FieldViolationsOf(ApplyIdempotencyKey(r, "key-2"))[0].field == "request_id");
}

TEST_CASE("transcoder: responses in proto3 JSON, response_body, error bodies", "[gateway]") {
  Fixture f;
  zp::testing::v1::Thing thing;
  thing.set_name("things/1");
  thing.set_count(9007199254740993);
  thing.set_color(zp::testing::v1::GREEN);
  RouteMatch get = f.Match("GET", "/v1/things/1");
  std::string json = *ResponseToJson(*get.route, thing);
  CHECK(json.find(R"("count":"9007199254740993")") != std::string::npos);
  CHECK(json.find(R"("color":"GREEN")") != std::string::npos);
  CHECK(json.find(R"("active":false)") != std::string::npos);  // unpopulated primitives emitted
  CHECK(json.find(R"("tags":[])") != std::string::npos);

  zp::testing::v1::ListThingsResponse list;
  *list.add_things() = thing;
  list.set_next_page_token("p2");
  RouteMatch ls = f.Match("GET", "/v1/things");
  std::string body = *ResponseToJson(*ls.route, list);
  REQUIRE(body.front() == '[');
  CHECK(body.find("nextPageToken") == std::string::npos);
  CHECK(*ResponseToJson(*ls.route, zp::testing::v1::ListThingsResponse()) == "[]");

  google::rpc::Status status;
  status.set_code(3);
  status.set_message("bad");
  google::rpc::BadRequest br;
  br.add_field_violations()->set_field("x");
  status.add_details()->PackFrom(br);
  std::string err = StatusToJson(status);
  CHECK(err.find(R"("code":3)") != std::string::npos);
  CHECK(err.find(R"("@type":"type.googleapis.com/google.rpc.BadRequest")") != std::string::npos);
  CHECK(err.find(R"("field":"x")") != std::string::npos);
}

TEST_CASE("openapi: every route, its parameters, schemas and security", "[gateway]") {
  Fixture f;
  std::string doc = OpenApiDocument(*f.table);
  google::protobuf::Struct parsed;
  REQUIRE(google::protobuf::util::JsonStringToMessage(doc, &parsed).ok());
  const auto& paths = parsed.fields().at("paths").struct_value().fields();
  CHECK(paths.count("/v1/{name}:activate") == 1);
  CHECK(paths.count("/v1/files/{path}") == 1);
  CHECK(paths.at("/v1/things").struct_value().fields().count("search") == 1);
  const auto& ping = paths.at("/v1/ping").struct_value().fields().at("get").struct_value().fields();
  CHECK(ping.at("security").list_value().values_size() == 0);
  const auto& get =
      paths.at("/v1/{name}").struct_value().fields().at("get").struct_value().fields();
  CHECK(get.at("security").list_value().values_size() == 1);
  const auto& schemas = parsed.fields()
                            .at("components")
                            .struct_value()
                            .fields()
                            .at("schemas")
                            .struct_value()
                            .fields();
  CHECK(schemas.count("zp.testing.v1.Thing") == 1);
  CHECK(schemas.count("google.rpc.Status") == 1);
  const auto& count = schemas.at("zp.testing.v1.Thing")
                          .struct_value()
                          .fields()
                          .at("properties")
                          .struct_value()
                          .fields()
                          .at("count")
                          .struct_value()
                          .fields();
  CHECK(count.at("type").string_value() == "string");  // int64 travels as a string
}

}  // namespace
}  // namespace zp::gateway
