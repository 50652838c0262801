// The zp-sgec binary behind the zp-gateway binary, over HTTPS/JSON as a front end calls it.
#include <catch2/catch.hpp>

#include "absl/strings/str_cat.h"
#include "google/protobuf/struct.pb.h"
#include "tests/e2e/e2e_helpers.h"
#include "tests/support/http_client.h"
#include "tests/support/secrets.h"
#include "tests/support/service_stack.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_env.h"
#include "zp/core/uuid.h"

namespace zp::testing {
namespace {

using google::protobuf::Struct;

// The birth as a front end sends it (proto3 JSON names).
std::string BirthJson(const std::string& commune, const std::string& given_fr,
                      const std::string& date) {
  return absl::StrCat(R"({"bureauCode":")", commune, R"(","birth":{
    "child":{"givenName":{"ar":"ياسين","fr":")",
                      given_fr, R"("},"familyName":{"ar":"الإدريسي","fr":"Idrissi"}},
    "sex":"MALE","birthDate":)",
                      date, R"(,"birthTime":"06:45",
    "place":{"communeCode":")",
                      commune, R"(","address":{"ar":"مصحة الأمل","fr":"Clinique Al Amal"}},
    "mother":{"name":{"givenName":{"ar":"خديجة","fr":"Khadija"},"familyName":{"ar":"الصقلي","fr":"Sekkali"}}},
    "declarant":{"name":{"givenName":{"ar":"خديجة","fr":"Khadija"},"familyName":{"ar":"الصقلي","fr":"Sekkali"}},"relation":"MOTHER"}}})");
}

class SgecStack : public ServiceStack {
 public:
  SgecStack() : ServiceStack("sgec", "zp.sgec.v1.CivilRegistry") { REQUIRE(WaitReady()); }
};

TEST_CASE("sgec e2e: a birth declared, validated and registered over HTTPS", "[e2e][sgec]") {
  SgecStack s;
  const std::string agent = s.Token({"civil_agent"}, {"01.511.01.01"});
  const std::string officer = s.Token({"civil_officer"}, {"01.511.01.01"});
  // Forty days after the birth, without a court judgment: refused, naming the rule and the field.
  const absl::CivilDay forty_days_ago = MoroccoToday() - 40;
  auto declared = s.Call("POST", "/v1/sgec/declarations:birth", agent,
                         BirthJson("01.511.01.01", "Yassine", DateJson(forty_days_ago)));
  CHECK(declared.status == 400);
  CHECK(declared.body.find("LATE_DECLARATION_REQUIRES_JUDGMENT") != std::string::npos);
  CHECK(declared.body.find("birth.judgment") != std::string::npos);
  // A birth of yesterday is on time.
  const absl::CivilDay yesterday = MoroccoToday() - 1;
  const std::string date = DateJson(yesterday);
  declared = s.Call("POST", "/v1/sgec/declarations:birth", agent,
                    BirthJson("01.511.01.01", "Yassine", date));
  REQUIRE(declared.status == 200);
  Struct d = Json(declared.body);
  CHECK(Str(d, "state") == "DECLARED");
  CHECK(Str(d, "duplicateStatus") == "NO_MATCH");
  const std::string id = Str(d, "id");

  auto validated =
      s.Call("POST", absl::StrCat("/v1/sgec/declarations/", id, ":validate"), agent, "{}");
  REQUIRE(validated.status == 200);
  CHECK(Str(Json(validated.body), "state") == "VALIDATED");

  const std::string key = core::NewUuidV7();
  auto registered =
      s.Call("POST", absl::StrCat("/v1/sgec/declarations/", id, ":register"), officer, "{}", key);
  REQUIRE(registered.status == 200);
  Struct act = Json(registered.body);
  CHECK(Str(act, "reference").rfind("01.511.01.01/", 0) == 0);
  CHECK(Str(act, "idcs").size() == 10);
  CHECK(At(act, "number").number_value() >= 1);
  // The same Idempotency-Key: the same act, not a second one.
  auto replay =
      s.Call("POST", absl::StrCat("/v1/sgec/declarations/", id, ":register"), officer, "{}", key);
  REQUIRE(replay.status == 200);
  CHECK(Str(Json(replay.body), "id") == Str(act, "id"));
  CHECK(Str(Json(replay.body), "idcs") == Str(act, "idcs"));

  auto read = s.Call("GET", "/v1/sgec/acts/" + Str(act, "id"), officer);
  REQUIRE(read.status == 200);
  CHECK(Str(Json(read.body), "currentBirth.child.givenName.fr") == "Yassine");
  CHECK(read.header("cache-control") == "no-store");

  auto search = s.Call("GET", "/v1/sgec/acts:search?names.text=yassine%20idrissi", officer);
  REQUIRE(search.status == 200);
  auto results = At(Json(search.body), "results").list_value();
  REQUIRE(results.values_size() >= 1);
  CHECK(results.values(0).struct_value().fields().at("id").string_value() == Str(act, "id"));

  auto by_idcs = s.Call("GET", "/v1/sgec/acts:search?idcs=" + Str(act, "idcs"), officer);
  REQUIRE(by_idcs.status == 200);
  CHECK(At(Json(by_idcs.body), "results").list_value().values_size() == 1);

  // The child, as a citizen, reads their own act; another commune's officer cannot.
  const std::string child = s.Token({"citizen"}, {}, Str(act, "idcs"));
  CHECK(s.Call("GET", "/v1/sgec/acts/" + Str(act, "id"), child).status == 200);
  const std::string casablanca = s.Token({"civil_officer"}, {"06.141.01.0"});
  auto hidden = s.Call("GET", "/v1/sgec/acts/" + Str(act, "id"), casablanca);
  CHECK(hidden.status == 404);
  CHECK(Str(Json(hidden.body), "message").find("Yassine") == std::string::npos);

  const std::string auditor = s.Token({"auditor"}, {"MA"});
  auto audit = s.Call("GET", "/v1/sgec/audit:verify", auditor);
  REQUIRE(audit.status == 200);
  CHECK(At(Json(audit.body), "intact").bool_value());
}

TEST_CASE("sgec e2e: errors name the field, the rule, or the missing right", "[e2e][sgec]") {
  SgecStack s;
  const std::string agent = s.Token({"civil_agent"}, {"01.511.01.01"});
  const absl::CivilDay yesterday = MoroccoToday() - 1;
  const std::string date = DateJson(yesterday);

  // Latin letters in an Arabic field.
  std::string body = BirthJson("01.511.01.01", "Yassine", date);
  body.replace(body.find("ياسين"), std::string("ياسين").size(), "Yassine");
  auto wrong_script = s.Call("POST", "/v1/sgec/declarations:birth", agent, body);
  CHECK(wrong_script.status == 400);
  CHECK(wrong_script.body.find("birth.child.given_name.ar") != std::string::npos);

  // A future birth: its own reason.
  const std::string future = DateJson(MoroccoToday() + 1);
  auto in_future = s.Call("POST", "/v1/sgec/declarations:birth", agent,
                          BirthJson("01.511.01.01", "Yassine", future));
  CHECK(in_future.status == 400);
  CHECK(in_future.body.find("EVENT_DATE_IN_FUTURE") != std::string::npos);

  // An unknown JSON field is refused by the gateway, naming it.
  auto unknown = s.Call("POST", "/v1/sgec/declarations:birth", agent,
                        R"({"bureauCode":"01.511.01.01","nickname":"x"})");
  CHECK(unknown.status == 400);
  CHECK(unknown.body.find("nickname") != std::string::npos);

  // No Idempotency-Key: request_id is required, so that a retry cannot register twice.
  auto no_key = s.Call("POST", "/v1/sgec/declarations:birth", agent,
                       BirthJson("01.511.01.01", "Yassine", date), "none");
  CHECK(no_key.status == 400);
  CHECK(no_key.body.find("request_id") != std::string::npos);

  // Another commune's bureau, a role that does not declare, no token.
  CHECK(s.Call("POST", "/v1/sgec/declarations:birth", s.Token({"civil_agent"}, {"06.141.01.0"}),
               BirthJson("01.511.01.01", "Yassine", date))
            .status == 404);
  CHECK(s.Call("POST", "/v1/sgec/declarations:birth", s.Token({"citizen"}, {"MA"}),
               BirthJson("01.511.01.01", "Yassine", date))
            .status == 403);
  auto anonymous =
      s.Call("POST", "/v1/sgec/declarations:birth", "", BirthJson("01.511.01.01", "Yassine", date));
  CHECK(anonymous.status == 401);
  CHECK(!anonymous.header("www-authenticate").empty());
  CHECK(s.Call("GET", "/v1/sgec/acts/0190a1b2-0000-7000-8000-000000000000", agent).status == 404);

  // The review queue of the pairs historical imports listed: routed, validated, scoped.
  const std::string officer = s.Token({"civil_officer"}, {"01.511.01.01"});
  auto queue =
      s.Call("GET", "/v1/sgec/bureaus/01.511.01.01/possible-duplicates?reviewed=false", officer);
  CHECK(queue.status == 200);
  CHECK(s.Call("GET", "/v1/sgec/bureaus/06.141.01.0/possible-duplicates", officer).status == 404);
  const std::string pair =
      "/v1/sgec/acts/0190a1b2-0000-7000-8000-000000000000/possible-duplicates/"
      "0190a1b2-0000-7000-8000-000000000001:review";
  auto bad_decision = s.Call("POST", pair, officer, R"({"decision":"NO_MATCH"})");
  CHECK(bad_decision.status == 400);
  CHECK(bad_decision.body.find("decision") != std::string::npos);
  CHECK(s.Call("POST", pair, officer, R"({"decision":"NOT_DUPLICATE"})").status == 404);
  CHECK(s.Call("POST", pair, agent, R"({"decision":"NOT_DUPLICATE"})").status == 403);
}

}  // namespace
}  // namespace zp::testing

namespace zp::testing {
namespace {

std::string Repeated(const std::string& letter, int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s += letter;
  return s;
}

TEST_CASE("sgec e2e: over-long input is a 400 naming the field, never a 429 or a 500",
          "[e2e][sgec]") {
  SgecStack s;
  const std::string officer = s.Token({"civil_officer"}, {"01.511.01.01"});
  const std::string agent = s.Token({"civil_agent"}, {"01.511.01.01"});
  // Search words of 2,047 and 5,000 letters, 1,030 Arabic letters (percent-encoded by the client).
  for (const std::string& text :
       {Repeated("a", 2047), Repeated("a", 5000), Repeated("%D8%A8", 1030)}) {
    auto search = s.Call("GET", "/v1/sgec/acts:search?names.text=" + text, officer);
    INFO(search.body.substr(0, 300));
    CHECK(search.status == 400);
    CHECK(search.body.find("names.text") != std::string::npos);
    CHECK(search.body.find("database") == std::string::npos);
    CHECK(search.body.size() < 2000);  // the answer does not repeat the input
  }
  // An id of 9,000 letters: a 400 naming it (the kit's bound on every string), with a short answer.
  auto long_id = s.Call("GET", "/v1/sgec/acts/" + Repeated("x", 9000), officer);
  CHECK(long_id.status == 400);
  CHECK(long_id.body.find(R"("field":"id")") != std::string::npos);
  CHECK(long_id.body.size() < 2000);
  // A given name of 101 letters is refused, as the message says, and so is 400 letters.
  for (int n : {101, 400}) {
    auto declared =
        s.Call("POST", "/v1/sgec/declarations:birth", agent,
               BirthJson("01.511.01.01", Repeated("Y", n), DateJson(MoroccoToday() - 1)));
    CHECK(declared.status == 400);
    CHECK(declared.body.find("birth.child.given_name.fr") != std::string::npos);
    CHECK(declared.body.find("longer than 100 characters") != std::string::npos);
  }
}

}  // namespace
}  // namespace zp::testing
