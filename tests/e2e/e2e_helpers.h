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
#include "zp/core/clock.h"

namespace zp::testing {

inline google::protobuf::Struct Json(const std::string& body) {
  google::protobuf::Struct s;
  INFO(body);
  REQUIRE(google::protobuf::util::JsonStringToMessage(body, &s).ok());
  return s;
}

// The value at a dotted path of JSON names ("act.reference.number"); null when absent.
inline const google::protobuf::Value& At(const google::protobuf::Struct& s,
                                         const std::string& path) {
  static const google::protobuf::Value kNull;
  const google::protobuf::Struct* current = &s;
  std::string rest = path;
  while (true) {
    size_t dot = rest.find('.');
    auto it = current->fields().find(rest.substr(0, dot));
    if (it == current->fields().end()) return kNull;
    if (dot == std::string::npos) return it->second;
    current = &it->second.struct_value();
    rest = rest.substr(dot + 1);
  }
}

inline std::string Str(const google::protobuf::Struct& s, const std::string& path) {
  return At(s, path).string_value();
}

// Today where the services judge dates (Africa/Casablanca): a date computed in UTC is a day
// behind between 23:00 and midnight UTC, and "tomorrow" would then be the services' today.
inline absl::CivilDay MoroccoToday() { return absl::ToCivilDay(absl::Now(), core::MoroccoZone()); }

inline std::string DateJson(absl::CivilDay d) {
  return absl::StrCat(R"({"year":)", d.year(), R"(,"month":)", d.month(), R"(,"day":)", d.day(),
                      "}");
}

// Youssef Alaoui (يوسف العلوي), born yesterday in Assilah to Fatima Bennani: declared, validated
// and registered through the gateway of `s` (which routes SGEC); returns the act as JSON.
inline google::protobuf::Struct RegisteredBirth(ServiceStack& s) {
  const std::string agent = s.Token({"civil_agent"}, {"01.511.01.01"});
  const std::string officer = s.Token({"civil_officer"}, {"01.511.01.01"});
  const absl::CivilDay yesterday = MoroccoToday() - 1;
  auto declared =
      s.Call("POST", "/v1/sgec/declarations:birth", agent,
             absl::StrCat(R"({
    "bureauCode":"01.511.01.01","birth":{
    "child":{"givenName":{"ar":"يوسف","fr":"Youssef"},"familyName":{"ar":"العلوي","fr":"Alaoui"}},
    "sex":"MALE","birthDate":)",
                          DateJson(yesterday), R"(,"place":{"communeCode":"01.511.01.01"},
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
