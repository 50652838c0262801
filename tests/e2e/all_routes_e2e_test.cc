// Every route the gateway publishes (its /openapi.json), sent over-long strings in each path
// parameter, each string query parameter and each string field of its body: the answer is a 400
// naming the field, never a 429, a 500 or a repetition of the input.
#include <algorithm>
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "tests/e2e/e2e_helpers.h"
#include "tests/support/service_stack.h"

namespace zp::testing {
namespace {

using google::protobuf::Struct;
using google::protobuf::Value;

// "birthDateFrom" -> "birth_date_from" (proto field names, as errors name them).
std::string SnakeCase(const std::string& json_name) {
  std::string out;
  for (char c : json_name) {
    if (absl::ascii_isupper(static_cast<unsigned char>(c))) {
      out += '_';
      out += absl::ascii_tolower(static_cast<unsigned char>(c));
    } else {
      out += c;
    }
  }
  return out;
}

// A schema that takes free text: a string, not bytes, an enum, a date-time or an int64.
bool IsText(const Struct& schema) {
  auto type = schema.fields().find("type");
  return type != schema.fields().end() && type->second.string_value() == "string" &&
         !schema.fields().contains("format") && !schema.fields().contains("enum");
}

const Struct& Resolve(const Struct& openapi, const Struct& schema) {
  auto ref = schema.fields().find("$ref");
  if (ref == schema.fields().end()) return schema;
  const std::string name(absl::StripPrefix(ref->second.string_value(), "#/components/schemas/"));
  return openapi.fields()
      .at("components")
      .struct_value()
      .fields()
      .at("schemas")
      .struct_value()
      .fields()
      .at(name)
      .struct_value();
}

struct Probe {
  std::string method;
  std::string path;
  std::string body;
  std::string field;  // the proto field the answer must name (its last part)
};

TEST_CASE("every route: over-long strings in paths, queries and bodies are 400s naming the field",
          "[e2e][gateway]") {
  ServiceStack s({{"sgec", "zp.sgec.v1.CivilRegistry", {}},
                  {"watiqa", "zp.watiqa.v1.Orders", {"--sgec_address", "{grpc:sgec}"}},
                  {"chikaya", "zp.chikaya.v1.Complaints", {}}});
  REQUIRE(s.WaitReady(absl::Seconds(60)));
  auto published = s.Call("GET", "/openapi.json", "");
  REQUIRE(published.status == 200);
  const Struct openapi = Json(published.body);
  // The published document carries the protos' comments as summaries.
  CHECK(absl::StartsWith(openapi.fields()
                             .at("paths")
                             .struct_value()
                             .fields()
                             .at("/v1/sgec/me/documents")
                             .struct_value()
                             .fields()
                             .at("get")
                             .struct_value()
                             .fields()
                             .at("summary")
                             .string_value(),
                         "A citizen's documents"));
  const std::string long_text(5000, 'x');  // over the kit's bound of 4,096 characters

  std::vector<Probe> probes;
  for (const auto& [path, item] : openapi.fields().at("paths").struct_value().fields()) {
    if (!absl::StartsWith(path, "/v1/sgec/") && !absl::StartsWith(path, "/v1/watiqa/") &&
        !absl::StartsWith(path, "/v1/chikaya/")) {
      continue;
    }
    for (const auto& [verb, op_value] : item.struct_value().fields()) {
      const Struct& op = op_value.struct_value();
      const std::string method = absl::AsciiStrToUpper(verb);
      std::vector<std::string> path_params;
      std::vector<std::string> query_params;
      for (const Value& p : op.fields().at("parameters").list_value().values()) {
        const Struct& param = p.struct_value();
        const std::string name = param.fields().at("name").string_value();
        if (param.fields().at("in").string_value() == "path") {
          path_params.push_back(name);
        } else if (IsText(param.fields().at("schema").struct_value())) {
          query_params.push_back(name);
        }
      }
      // The route with short values in its path: "p" for each parameter.
      auto url = [&](const std::string& long_param) {
        std::string u = path;
        for (const std::string& p : path_params) {
          u = absl::StrReplaceAll(u,
                                  {{absl::StrCat("{", p, "}"), p == long_param ? long_text : "p"}});
        }
        return u;
      };
      const std::string body = op.fields().contains("requestBody") ? "{}" : "";
      for (const std::string& p : path_params) {
        probes.push_back({method, url(p), body, p.substr(p.rfind('.') + 1)});
      }
      for (const std::string& q : query_params) {
        probes.push_back({method, absl::StrCat(url(""), "?", q, "=", long_text), body,
                          SnakeCase(q.substr(q.rfind('.') + 1))});
      }
      if (op.fields().contains("requestBody")) {
        const Struct& schema = Resolve(openapi, op.fields()
                                                    .at("requestBody")
                                                    .struct_value()
                                                    .fields()
                                                    .at("content")
                                                    .struct_value()
                                                    .fields()
                                                    .at("application/json")
                                                    .struct_value()
                                                    .fields()
                                                    .at("schema")
                                                    .struct_value());
        auto props = schema.fields().find("properties");
        if (props == schema.fields().end()) continue;
        for (const auto& [name, prop] : props->second.struct_value().fields()) {
          // Fields the path binds, and the request id (the Idempotency-Key), are not the body's.
          const bool bound = std::find(path_params.begin(), path_params.end(), SnakeCase(name)) !=
                             path_params.end();
          if (bound || name == "requestId" || !IsText(prop.struct_value())) continue;
          probes.push_back({method, url(""),
                            absl::StrCat(R"({")", name, R"(":")", long_text, R"("})"),
                            SnakeCase(name)});
        }
      }
    }
  }
  INFO(probes.size() << " probes");
  REQUIRE(probes.size() > 40);
  std::vector<std::string> wrong;
  for (const Probe& p : probes) {
    // A fresh principal each time: no probe spends another's rate limit.
    auto r = s.Call(p.method, p.path, s.Token({"citizen"}, {}, "", ""), p.body);
    const bool named = absl::StrContains(r.body, R"("field":")") &&
                       absl::StrContains(r.body, absl::StrCat(p.field, R"(")"));
    // The answer names the field and does not repeat the input.
    if (r.status != 400 || !named || r.body.size() >= 2000) {
      wrong.push_back(
          absl::StrCat(p.method, " ", absl::StrReplaceAll(p.path, {{long_text, "<5000 letters>"}}),
                       " ", absl::StrReplaceAll(p.body, {{long_text, "<5000 letters>"}}), " (",
                       p.field, ") -> ", r.status, " ", r.body.substr(0, 160)));
    }
  }
  INFO(absl::StrJoin(wrong, "\n"));
  CHECK(wrong.empty());
}

}  // namespace
}  // namespace zp::testing
