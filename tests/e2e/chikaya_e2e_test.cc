// The zp-chikaya binary behind zp-gateway: a citizen files a complaint with JSON over HTTPS, an
// agent answers it, the province's supervision cell reads the statistics.
#include <catch2/catch.hpp>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "tests/e2e/e2e_helpers.h"
#include "tests/support/sample_files.h"
#include "tests/support/service_stack.h"
#include "tests/support/test_env.h"

namespace zp::testing {
namespace {

const char kComplaint[] = R"({"kind":"COMPLAINT","category":"lighting",
  "authorityCode":"01.511.01.01","subject":"Éclairage en panne",
  "description":"الإنارة العمومية معطلة منذ أسبوع 🚧 — rue Ibn Battouta",
  "location":{"latitude":35.465,"longitude":-6.034}})";

TEST_CASE("chikaya e2e: filed by a citizen, answered by an agent, counted for the province",
          "[e2e][chikaya]") {
  // A topic and a consumer group of its own: the statistics count this test's events only.
  ServiceStack s("chikaya", "zp.chikaya.v1.Complaints",
                 {"--scheduler_interval", "1s", "--topic", UniqueName("zp.chikaya.e2e."),
                  "--stats_group", UniqueName("chikaya-stats-e2e-")});
  REQUIRE(s.WaitReady());
  const std::string citizen = s.Token({"citizen"}, {}, "", "citizen-e2e");
  const std::string agent = s.Token({"agent"}, {"01.511.01.01"});
  const std::string cell = s.Token({"province_cell"}, {"01.511"});

  auto categories = s.Call("GET", "/v1/chikaya/categories?kind=COMPLAINT", "");
  REQUIRE(categories.status == 200);
  CHECK(categories.body.find("lighting") != std::string::npos);

  auto filed = s.Call("POST", "/v1/chikaya/complaints", citizen, kComplaint);
  REQUIRE(filed.status == 200);
  const auto complaint = Json(filed.body).fields().at("complaint").struct_value();
  const std::string id = Str(complaint, "id");
  CHECK(Str(complaint, "state") == "SUBMITTED");
  CHECK(Str(complaint, "description").find("🚧") != std::string::npos);

  // Anonymous: no token, a contact, and a tracking secret in the answer.
  auto anonymous = s.Call("POST", "/v1/chikaya/complaints", "",
                          R"({"kind":"SUGGESTION","category":"digital",
                              "authorityCode":"01.511","subject":"Paiement en ligne",
                              "description":"Payer les taxes en ligne.",
                              "contact":{"email":"a@example.ma"}})");
  REQUIRE(anonymous.status == 200);
  CHECK(Str(Json(anonymous.body), "trackingSecret").size() == 24);
  auto no_contact = s.Call("POST", "/v1/chikaya/complaints", "",
                           R"({"kind":"SUGGESTION","category":"digital","authorityCode":"01.511",
                               "subject":"x","description":"y"})");
  CHECK(no_contact.status == 400);
  CHECK(no_contact.body.find("contact") != std::string::npos);

  CHECK(s.Call("POST", "/v1/chikaya/complaints/" + id + ":acknowledge",
               s.Token({"agent"}, {"01.511.01.0"}), "{}")
            .status == 404);
  REQUIRE(s.Call("POST", "/v1/chikaya/complaints/" + id + ":acknowledge", agent, "{}").status ==
          200);
  auto resolved = s.Call("POST", "/v1/chikaya/complaints/" + id + ":resolve", agent,
                         R"({"response":"Les lampadaires ont été remplacés."})");
  REQUIRE(resolved.status == 200);
  CHECK(Str(Json(resolved.body), "state") == "RESOLVED");
  REQUIRE(
      s.Call("POST", "/v1/chikaya/complaints/" + id + ":rate", citizen, R"({"rating":5})").status ==
      200);

  // The statistics follow through Kafka and the service's own consumer.
  const std::string stats_path =
      "/v1/chikaya/stats?territoryCode=01.511&periodFrom=2026-01&periodTo=2099-12";
  CHECK(Eventually(
      [&] {
        absl::SleepFor(absl::Milliseconds(250));  // polite polling: the gateway rate-limits
        auto st = s.Call("GET", stats_path, cell);
        if (st.status != 200) return false;
        auto j = Json(st.body);
        return Str(j, "received") == "2" && Str(j, "answered") == "1" &&
               j.fields().at("meanRating").number_value() == 5;
      },
      absl::Seconds(30)));
  CHECK(s.Call("GET", stats_path, agent).status == 404);  // an agent reads its authority only

  // The same figures by commune, and as a CSV file for a spreadsheet.
  auto by_commune = s.Call("GET", stats_path + "&breakdown=true", cell);
  REQUIRE(by_commune.status == 200);
  CHECK(by_commune.body.find(R"("territoryCode":"01.511.01.01")") != std::string::npos);
  const std::string csv_path =
      "/v1/chikaya/stats:csv?territoryCode=01.511&periodFrom=2026-01&periodTo=2099-12";
  auto csv = s.Call("GET", csv_path, cell);
  INFO(csv.body);
  REQUIRE(csv.status == 200);
  CHECK(csv.header("content-type") == "text/csv; charset=utf-8");
  CHECK(absl::StrContains(csv.header("content-disposition"),
                          "chikaya-stats-01.511-2026-01-2099-12.csv"));
  CHECK(absl::StrContains(csv.body, "\r\ntotal,01.511,Tanger-Assilah,طنجة-أصيلة,2,1,"));
  CHECK(absl::StrContains(csv.body, "\r\nwithin,01.511.01.01,Assilah,أصيلة,"));
  CHECK(s.Call("GET", csv_path, citizen).status == 403);
  CHECK(s.Call("GET", csv_path + "&periodTo=2025-01", cell).status == 400);
}

}  // namespace
}  // namespace zp::testing

namespace zp::testing {
namespace {

TEST_CASE("chikaya e2e: a photo uploaded, named by the complaint, downloaded by the agent",
          "[e2e][chikaya]") {
  ServiceStack s("chikaya", "zp.chikaya.v1.Complaints",
                 {"--topic", UniqueName("zp.chikaya.e2e."), "--stats_group",
                  UniqueName("chikaya-stats-e2e-")});
  REQUIRE(s.WaitReady());
  // Anyone uploads (JSON bytes are base64); the type is read from the content.
  auto uploaded = s.Call(
      "POST", "/v1/chikaya/attachments", "",
      absl::StrCat(R"({"content":")", absl::Base64Escape(kPng), R"(","contentType":"image/png"})"));
  INFO(uploaded.body);
  REQUIRE(uploaded.status == 200);
  const std::string sha256 = Str(Json(uploaded.body), "sha256");
  CHECK(Str(Json(uploaded.body), "contentType") == "image/png");
  auto lying = s.Call("POST", "/v1/chikaya/attachments", "",
                      absl::StrCat(R"({"content":")", absl::Base64Escape(kPdf),
                                   R"(","contentType":"image/jpeg"})"));
  CHECK(lying.status == 400);
  CHECK(lying.body.find("content") != std::string::npos);

  const std::string citizen = s.Token({"citizen"}, {}, "", "citizen-photo-e2e");
  auto filed = s.Call("POST", "/v1/chikaya/complaints", citizen,
                      absl::StrCat(R"({"kind":"COMPLAINT","category":"lighting",
    "authorityCode":"01.511.01.01","subject":"Lampadaire tombé","description":"Photo jointe.",
    "attachmentRefs":[")",
                                   sha256, R"("]})"));
  REQUIRE(filed.status == 200);
  const std::string id = Str(Json(filed.body), "complaint.id");
  const std::string path = "/v1/chikaya/complaints/" + id + "/attachments/" + sha256;
  auto photo = s.Call("GET", path, s.Token({"agent"}, {"01.511.01.01"}));
  REQUIRE(photo.status == 200);
  CHECK(photo.header("content-type") == "image/png");
  CHECK(photo.body == kPng);
  CHECK(s.Call("GET", path, s.Token({"agent"}, {"06.141.01.0"})).status == 404);
}

}  // namespace
}  // namespace zp::testing
