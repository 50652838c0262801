#pragma once

// What the end-to-end tests share: JSON answers read as google.protobuf.Struct, and a birth
// declared, validated and registered through the gateway.
#include <catch2/catch.hpp>

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "tests/support/service_stack.h"

namespace zp::testing {

inline google::protobuf::Struct Json(const std::string& body) {
  google::protobuf::Struct s;
  INFO(body);
  REQUIRE(google::protobuf::util::JsonStringToMessage(body, &s).ok());
  return s;
}

inline std::string Str(const google::protobuf::Struct& s, const std::string& key) {
  auto it = s.fields().find(key);
  return it == s.fields().end() ? "" : it->second.string_value();
}

inline std::string DateJson(absl::CivilDay d) {
  return absl::StrCat(R"({"year":)", d.year(), R"(,"month":)", d.month(), R"(,"day":)", d.day(),
                      "}");
}

// Youssef Alaoui (يوسف العلوي), born yesterday in Assilah to Fatima Bennani: declared, validated
// and registered through the gateway of `s` (which routes SGEC); returns the act as JSON.
inline google::protobuf::Struct RegisteredBirth(ServiceStack& s) {
  const std::string agent = s.Token({"civil_agent"}, {"01.511.01.01"});
  const std::string officer = s.Token({"civil_officer"}, {"01.511.01.01"});
  const absl::CivilDay yesterday = absl::ToCivilDay(absl::Now(), absl::UTCTimeZone()) - 1;
  auto declared = s.Call("POST", "/v1/sgec/declarations:birth", agent, absl::StrCat(R"({
    "bureauCode":"01.511.01.01","birth":{
    "child":{"givenName":{"ar":"يوسف","fr":"Youssef"},"familyName":{"ar":"العلوي","fr":"Alaoui"}},
    "sex":"MALE","birthDate":)", DateJson(yesterday), R"(,"place":{"communeCode":"01.511.01.01"},
    "mother":{"name":{"givenName":{"ar":"فاطمة","fr":"Fatima"},"familyName":{"ar":"بناني","fr":"Bennani"}}},
    "declarant":{"name":{"givenName":{"ar":"فاطمة","fr":"Fatima"},"familyName":{"ar":"بناني","fr":"Bennani"}},"relation":"MOTHER"}}})"));
  REQUIRE(declared.status == 200);
  const std::string id = Str(Json(declared.body), "id");
  REQUIRE(s.Call("POST", "/v1/sgec/declarations/" + id + ":validate", agent, "{}").status == 200);
  auto act = s.Call("POST", "/v1/sgec/declarations/" + id + ":register", officer, "{}");
  REQUIRE(act.status == 200);
  return Json(act.body);
}

}  // namespace zp::testing
