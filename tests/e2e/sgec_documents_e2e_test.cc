// Signed copies and the historical import with the real binaries: zp-sgec behind zp-gateway over
// HTTPS (a citizen's extract, its PDF, public verification with its rate limit), and zpctl
// streaming a file to zp-sgec, killed halfway and run again.
#include <grpcpp/grpcpp.h>

#include <catch2/catch.hpp>
#include <csignal>
#include <cstdlib>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "tests/e2e/e2e_helpers.h"
#include "tests/support/historical_records.h"
#include "tests/support/pdf_text.h"
#include "tests/support/service_stack.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_env.h"
#include "zp/core/uuid.h"
#include "zp/pg/connection.h"
#include "zp/service/service_token.h"
#include "zp/sgec/v1/sgec.grpc.pb.h"

namespace zp::testing {
namespace {

using google::protobuf::Struct;

TEST_CASE("sgec e2e: a citizen's extract over HTTPS, its PDF, and public verification",
          "[e2e][sgec][documents]") {
  ServiceStack s("sgec", "zp.sgec.v1.CivilRegistry");
  REQUIRE(s.WaitReady());
  Struct act = RegisteredBirth(s);
  const std::string citizen = s.Token({"citizen"}, {}, Str(act, "idcs"));

  auto issued = s.Call("POST", "/v1/sgec/acts/" + Str(act, "id") + ":issueCopy", citizen,
                       R"({"kind":"EXTRACT"})");
  REQUIRE(issued.status == 200);
  Struct doc = Json(issued.body);
  const std::string code = Str(doc, "verificationCode");
  CHECK(code.size() == 12);
  CHECK_FALSE(Str(doc, "signature").empty());

  auto pdf = s.Call("GET", "/v1/sgec/documents/" + Str(doc, "id") + "/pdf", citizen);
  REQUIRE(pdf.status == 200);
  CHECK(pdf.header("content-type") == "application/pdf");
  CHECK(pdf.header("content-disposition") == "inline; filename=\"" + code + ".pdf\"");
  PdfText text = ExtractPdfText(pdf.body);
  for (const char* words :
       {"Youssef", "Alaoui", "يوسف", "العلوي", "Fatima Bennani", "فاطمة بناني"}) {
    INFO(words);
    CHECK(text.Contains(words));
  }
  CHECK(text.Contains(code.substr(0, 4) + "-" + code.substr(4, 4) + "-" + code.substr(8)));
  CHECK_FALSE(KeepPdfPage(pdf.body, "sgec-e2e-extract").empty());

  // Verification needs no token, and says what is printed, nothing more.
  auto verified = s.Call("GET", "/v1/sgec/verify/" + code, "");
  REQUIRE(verified.status == 200);
  Struct v = Json(verified.body);
  CHECK(v.fields().at("authentic").bool_value());
  CHECK(Str(v, "status") == "VALID");
  CHECK(verified.body.find(Str(act, "idcs")) ==
        std::string::npos);  // the extract's IDCS is not told
  CHECK(verified.body.find("Youssef Alaoui") != std::string::npos);
  auto keys = s.Call("GET", "/v1/sgec/document-keys", "");
  REQUIRE(keys.status == 200);
  CHECK(keys.body.find(Str(doc, "kid")) != std::string::npos);

  // Unknown codes are 404; guessing runs into the method's own limit (20, then 0.5/s per IP).
  int not_found = 0, limited = 0;
  std::string retry_after;
  for (int i = 0; i < 30; ++i) {
    auto guess = s.Call("GET",
                        "/v1/sgec/verify/ABCD-EFGH-JK" + std::string(1, "23456789"[i % 8]) +
                            std::string(1, "ABCDEFGH"[i / 8]),
                        "");
    not_found += guess.status == 404;
    if (guess.status == 429) {
      ++limited;
      retry_after = guess.header("retry-after");
    }
  }
  CHECK(not_found >= 18);
  CHECK(limited >= 8);
  CHECK_FALSE(retry_after.empty());
}

TEST_CASE("sgec e2e: a service token signed by the user-token key prints nothing",
          "[e2e][sgec][documents]") {
  ServiceStack s("sgec", "zp.sgec.v1.CivilRegistry");
  REQUIRE(s.WaitReady());
  Struct act = RegisteredBirth(s);
  const std::string path = "/v1/sgec/acts/" + Str(act, "id") + ":issueCopy";
  const std::string body = R"({"kind":"FULL_COPY","orderReference":"hello"})";
  // The forged identity: WATIQA's subject and the service role under the key of user tokens.
  const std::string forged = s.Token({"service"}, {"MA"}, "", "service:watiqa");
  auto through_gateway = s.Call("POST", path, forged, body);
  CHECK(through_gateway.status == 401);
  CHECK(through_gateway.body.find("TOKEN_INVALID") != std::string::npos);
  // Straight to SGEC's own port, past the gateway: the service verifies it the same way.
  auto channel = grpc::CreateChannel(s.grpc_address(), grpc::InsecureChannelCredentials());
  auto stub = sgec::v1::CivilRegistry::NewStub(channel);
  sgec::v1::IssueCopyRequest r;
  r.set_request_id(core::NewUuidV7());
  r.set_act_id(Str(act, "id"));
  r.set_kind(sgec::v1::FULL_COPY);
  r.set_order_reference("hello");
  grpc::ClientContext ctx;
  ctx.AddMetadata("authorization", "Bearer " + forged);
  documents::v1::Document out;
  CHECK(stub->IssueCopy(&ctx, r, &out).error_code() == grpc::StatusCode::UNAUTHENTICATED);
  // WATIQA's own key, but a token that grants no request (as a leaked one could be): refused.
  auto own =
      service::ServiceToken::FromKeyFile(s.secrets().dir + "/jwt/services/watiqa.pem", "watiqa");
  REQUIRE(own.ok());
  auto leaked = s.Call("POST", path, *(*own)->Get(), body);
  CHECK(leaked.status == 403);
  CHECK(leaked.body.find("REQUEST_NOT_GRANTED") != std::string::npos);
  auto db = pg::Connection::Open(PgServerUrl(), {{"dbname", s.database()}});
  REQUIRE(db.ok());
  auto documents = (*db)->Exec("SELECT count(*) FROM documents");
  REQUIRE(documents.ok());
  CHECK(documents->Int(0, 0) == 0);
}

TEST_CASE("sgec e2e: zpctl import killed halfway, then run again: every record once",
          "[e2e][sgec][import]") {
  ServiceStack s("sgec", "zp.sgec.v1.CivilRegistry", {"--import_batch_size", "200"});
  REQUIRE(s.WaitReady());
  const std::string file = s.secrets().dir + "/records.ndjson";
  constexpr int kRecords = 6000;
  {
    std::ofstream out(file);
    for (int i = 0; i < kRecords; ++i) {
      auto r = HistoricalBirth("01.511.01.01", 1970 + i % 20, 1 + i / 20, 40000 + i);
      std::string line;
      REQUIRE(google::protobuf::util::MessageToJsonString(r, &line).ok());
      out << line << "\n";
    }
    out << "{not json\n";
  }
  const std::string token = s.Token({"civil_officer"}, {"01.511.01.01"}, "", "importer");
  // The token goes by environment (ZP_TOKEN), not on the command line.
  setenv("ZP_TOKEN", token.c_str(), 1);
  const std::vector<std::string> argv = {
      BinaryDir() + "/tools/zpctl/zpctl", "sgec", "import", file, "--address", s.grpc_address()};
  auto db = [&] {
    auto conn = pg::Connection::Open(PgServerUrl(), {{"dbname", s.database()}});
    REQUIRE(conn.ok());
    return std::move(*conn);
  };
  auto count = [&](const std::string& sql) { return db()->Exec(sql)->Int(0, 0); };

  // Killed (SIGKILL) once some batches are in.
  {
    Subprocess zpctl(argv, {{"ZP_TOKEN", token}}, s.secrets().dir + "/zpctl-1.log");
    REQUIRE(
        Eventually([&] { return count("SELECT count(*) FROM acts") >= 1000; }, absl::Seconds(60)));
    zpctl.Stop(SIGKILL);
  }
  // The service notices the broken stream and finishes the batch it was writing: wait until the
  // register stops moving.
  int64_t before = -1;
  REQUIRE(Eventually(
      [&] {
        const int64_t now = count("SELECT count(*) FROM acts");
        const bool still = now == before;
        before = now;
        absl::SleepFor(absl::Milliseconds(500));
        return still;
      },
      absl::Seconds(30)));
  CHECK(count("SELECT count(*) FROM imports WHERE NOT finished") == 1);
  CHECK(before < kRecords);

  // Run again to the end: the rest is accepted, what was in is already present.
  const std::string summary = CommandOutput(absl::StrCat(
      argv[0], " sgec import ", file, " --address ", s.grpc_address(), " --json=true 2>/dev/null"));
  INFO(summary);
  Struct sum = Json(summary.substr(0, summary.find('\n')));
  CHECK(Str(sum, "received") == std::to_string(kRecords + 1));
  CHECK(Str(sum, "accepted") == std::to_string(kRecords - before));
  CHECK(Str(sum, "alreadyPresent") == std::to_string(before));
  CHECK(Str(sum, "rejected") == "1");
  CHECK(count("SELECT count(*) FROM acts") == kRecords);
  CHECK(count("SELECT count(DISTINCT (year, number)) FROM acts") == kRecords);

  // The report names the line that did not parse.
  const std::string report =
      CommandOutput(absl::StrCat(argv[0], " sgec report ", Str(sum, "importId"), " --address ",
                                 s.grpc_address(), " 2>/dev/null"));
  CHECK(report.find("UNPARSABLE_RECORD") != std::string::npos);
  CHECK(report.find(absl::StrCat("\"line\":\"", kRecords + 1, "\"")) != std::string::npos);
}

}  // namespace
}  // namespace zp::testing
