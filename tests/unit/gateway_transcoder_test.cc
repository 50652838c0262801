#include <catch2/catch.hpp>

#include "absl/strings/match.h"
#include "gateway/src/linked_services.h"
#include "gateway/src/openapi.h"
#include "gateway/src/proto_comments.h"
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

TEST_CASE("proto comments: read from the embedded descriptors, by full name", "[gateway]") {
  auto comments = ProtoComments::Embedded();
  REQUIRE(comments.ok());
  CHECK(comments->size() > 200);
  // A method's comment above it, its lines joined; the first sentence as the summary.
  CHECK(absl::StartsWith(comments->Of("zp.sgec.v1.CivilRegistry.ListMyActs"),
                         "A citizen's own acts: those that carry the IDCS of their token, as"));
  CHECK(comments->SummaryOf("zp.sgec.v1.CivilRegistry.ListMyActs") ==
        "A citizen's own acts: those that carry the IDCS of their token, as the person the act is "
        "about or as a parent (their children's births), by registration.");
  // A field's comment after it on its line; an enum value's; a message's.
  CHECK(comments->Of("zp.chikaya.v1.StatsRequest.period_from") ==
        "YYYY-MM (month of submission), inclusive");
  CHECK(comments->Of("zp.sgec.v1.ActRelation.ACT_RELATION_SUBJECT") ==
        "the person the act is about");
  CHECK(absl::StartsWith(comments->Of("zp.chikaya.v1.TerritoryFigures"),
                         "The figures of one territory"));
  CHECK(comments->Of("zp.chikaya.v1.NoSuchThing").empty());
  CHECK_FALSE(ProtoComments::Parse({"not a descriptor set \xff"}).ok());
}

const google::protobuf::Struct& At(const google::protobuf::Struct& s,
                                   std::initializer_list<const char*> path) {
  const google::protobuf::Struct* at = &s;
  for (const char* key : path) at = &at->fields().at(key).struct_value();
  return *at;
}

TEST_CASE("openapi: summaries and descriptions from the proto comments", "[gateway]") {
  auto comments = ProtoComments::Embedded();
  REQUIRE(comments.ok());
  auto table = RouteTable::Build(PlatformServices());
  REQUIRE(table.ok());
  google::protobuf::Struct doc;
  REQUIRE(
      google::protobuf::util::JsonStringToMessage(OpenApiDocument(**table, *comments), &doc).ok());
  const auto& stats = At(doc, {"paths", "/v1/chikaya/stats", "get"}).fields();
  CHECK(
      absl::StartsWith(stats.at("summary").string_value(), "Figures of an authority, a province"));
  bool documented = false;
  for (const auto& p : stats.at("parameters").list_value().values()) {
    const auto& fields = p.struct_value().fields();
    if (fields.at("name").string_value() == "breakdown") {
      documented =
          absl::StrContains(fields.at("description").string_value(), "the communes of a province");
    }
  }
  CHECK(documented);
  const auto& schemas = At(doc, {"components", "schemas"});
  const std::string relation = At(schemas, {"zp.sgec.v1.MyAct", "properties", "relation"})
                                   .fields()
                                   .at("description")
                                   .string_value();
  CHECK(absl::StrContains(relation, "`ACT_RELATION_SUBJECT`: the person the act is about"));
  CHECK_FALSE(absl::StrContains(relation, "`ACT_RELATION_UNSPECIFIED`"));  // no comment, no line
  // A described reference to another schema goes through allOf (a $ref takes no siblings).
  const auto& breakdown =
      At(schemas, {"zp.chikaya.v1.StatsResponse", "properties", "breakdown"}).fields();
  CHECK(breakdown.at("description").string_value() == "when asked: by territory code");
  const auto& act = At(schemas, {"zp.sgec.v1.MyAct", "properties", "act"}).fields();
  CHECK(act.count("$ref") == 1);  // undescribed: the reference alone
  int wrapped = 0;
  for (const auto& [name, schema] : schemas.fields()) {
    if (!schema.struct_value().fields().contains("properties")) continue;
    for (const auto& [field, property] : At(schema.struct_value(), {"properties"}).fields()) {
      const auto& p = property.struct_value().fields();
      if (!p.contains("allOf")) continue;
      ++wrapped;
      CHECK_FALSE(p.contains("$ref"));
      CHECK_FALSE(p.at("description").string_value().empty());
    }
  }
  CHECK(wrapped > 0);
  // Without comments the document is the same, undescribed.
  google::protobuf::Struct bare;
  REQUIRE(google::protobuf::util::JsonStringToMessage(OpenApiDocument(**table), &bare).ok());
  CHECK(At(bare, {"paths", "/v1/chikaya/stats", "get"}).fields().count("summary") == 0);
}

}  // namespace
}  // namespace zp::gateway
