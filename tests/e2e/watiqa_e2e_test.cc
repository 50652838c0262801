// WATIQA with the real binaries: zp-sgec and zp-watiqa behind zp-gateway. A citizen orders over
// HTTPS; the TGR and Barid Al Maghrib call the partner port with their client certificates (gRPC,
// and zpctl partner); anyone follows the order with its reference and name; the events are read
// back from devkafka with kcat.
#include <grpcpp/grpcpp.h>

#include <catch2/catch.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "google/protobuf/util/time_util.h"
#include "tests/e2e/e2e_helpers.h"
#include "tests/support/service_stack.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_env.h"
#include "zp/core/status.h"
#include "zp/core/uuid.h"
#include "zp/rpc/tls.h"
#include "zp/watiqa/v1/watiqa.grpc.pb.h"

namespace zp::testing {
namespace {

namespace v1 = zp::watiqa::v1;
using google::protobuf::Struct;

std::shared_ptr<grpc::Channel> PartnerChannel(const ServiceStack& s, const std::string& partner) {
  rpc::TlsFiles files;
  if (!partner.empty()) {
    files.cert_file = s.secrets().tls("partners/" + partner + ".crt");
    files.key_file = s.secrets().tls("partners/" + partner + ".key");
  }
  files.ca_file = s.secrets().tls("ca.crt");
  auto creds = rpc::MutualTlsChannelCredentials(files);
  REQUIRE(creds.ok());
  return grpc::CreateChannel(s.partner_address("watiqa"), *creds);
}

std::unique_ptr<grpc::ClientContext> Context() {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  return ctx;
}

grpc::Status Confirm(v1::TgrPayments::Stub& tgr, const std::string& reference, int64_t centimes,
                     const std::string& payment_reference, v1::PaymentConfirmation* out) {
  v1::ConfirmPaymentRequest r;
  r.set_order_reference(reference);
  r.mutable_amount()->set_centimes(centimes);
  r.set_payment_reference(payment_reference);
  *r.mutable_paid_at() = google::protobuf::util::TimeUtil::GetCurrentTime();
  auto ctx = Context();
  return tgr.ConfirmPayment(ctx.get(), r, out);
}

constexpr char kOrder[] = R"({"idcs":"%s","kind":"EXTRACT","copies":1,
  "address":{"countryCode":"MA","recipient":"Fatima Bennani","city":"Tanger","postalCode":"90000",
             "lines":["12, rue de Fès"]},
  "contact":{"email":"fatima@example.ma","phone":"+212612345678"}})";

std::string OrderBody(const std::string& idcs) {
  return absl::StrReplaceAll(kOrder, {{"%s", idcs}});
}

TEST_CASE("watiqa e2e: ordered over HTTPS, paid by the TGR, delivered by Barid, tracked by anyone",
          "[e2e][watiqa]") {
  const std::string topic = UniqueName("zp.watiqa.e2e.");
  ServiceStack s({{"sgec", "zp.sgec.v1.CivilRegistry", {}},
                  {"watiqa",
                   "zp.watiqa.v1.Orders",
                   {"--sgec_address", "{grpc:sgec}", "--topic", topic, "--cache_group",
                    UniqueName("watiqa-cache-e2e-"), "--issue_poll_interval", "200ms",
                    "--issue_backoff_cap", "1s"}}});
  REQUIRE(s.WaitReady(absl::Seconds(60)));
  Struct act = RegisteredBirth(s);
  // The mother orders her newborn's extract (the act names her by name only; the child's own
  // IDCS makes the child's token the one entitled: a parent needs her IDCS on the act).
  const std::string citizen = s.Token({"citizen"}, {}, Str(act, "idcs"), "citizen-watiqa-e2e");

  auto tariff = s.Call("GET", "/v1/watiqa/tariff", "");
  REQUIRE(tariff.status == 200);
  CHECK(tariff.body.find("EXTRACT") != std::string::npos);

  const std::string key = core::NewUuidV7();
  auto placed = s.Call("POST", "/v1/watiqa/orders", citizen, OrderBody(Str(act, "idcs")), key);
  INFO(placed.body);
  REQUIRE(placed.status == 200);
  Struct order = Json(placed.body);
  const std::string reference = Str(order, "reference");
  CHECK(Str(order, "state") == "PLACED");
  CHECK(Str(order, "actId") == Str(act, "id"));
  CHECK(Str(order.fields().at("fee").struct_value(), "centimes") == "3000");
  auto again = s.Call("POST", "/v1/watiqa/orders", citizen, OrderBody(Str(act, "idcs")), key);
  REQUIRE(again.status == 200);
  CHECK(Str(Json(again.body), "reference") == reference);  // Idempotency-Key: one order

  // Someone else's act, an invalid field, no token.
  const std::string stranger = s.Token({"citizen"}, {}, "1234567897");
  CHECK(s.Call("POST", "/v1/watiqa/orders", stranger, OrderBody(Str(act, "idcs"))).status == 404);
  auto bad =
      s.Call("POST", "/v1/watiqa/orders", citizen,
             absl::StrCat(R"({"idcs":")", Str(act, "idcs"), R"(","kind":"EXTRACT","copies":12})"));
  CHECK(bad.status == 400);
  CHECK(bad.body.find("copies") != std::string::npos);
  CHECK(s.Call("POST", "/v1/watiqa/orders", "", OrderBody(Str(act, "idcs"))).status == 401);

  // Tracking without a token: cached now, and must follow the order's events.
  const std::string track = absl::StrCat("/v1/watiqa/track/", reference, "?lastName=ALAOUI");
  auto tracked = s.Call("GET", track, "");
  REQUIRE(tracked.status == 200);
  CHECK(Str(Json(tracked.body), "state") == "PLACED");
  auto wrong = s.Call("GET", absl::StrCat("/v1/watiqa/track/", reference, "?lastName=Bennani"), "");
  CHECK(wrong.status == 404);

  auto pay = s.Call("POST", absl::StrCat("/v1/watiqa/orders/", reference, ":pay"), citizen, "{}");
  REQUIRE(pay.status == 200);
  CHECK(Str(Json(pay.body), "paymentUrl").find(reference) != std::string::npos);

  // The partners, each with its own certificate.
  auto tgr = v1::TgrPayments::NewStub(PartnerChannel(s, "tgr"));
  auto barid_as_tgr = v1::TgrPayments::NewStub(PartnerChannel(s, "barid"));
  auto nobody = v1::TgrPayments::NewStub(PartnerChannel(s, ""));
  v1::PaymentConfirmation confirmation;
  grpc::Status refused = Confirm(*barid_as_tgr, reference, 3000, "TGR-E2E-1", &confirmation);
  CHECK(refused.error_code() == grpc::StatusCode::PERMISSION_DENIED);
  CHECK(core::ReasonOf(core::FromGrpcStatus(refused)).value_or("") == "WRONG_PARTNER");
  CHECK_FALSE(Confirm(*nobody, reference, 3000, "TGR-E2E-1", &confirmation).ok());
  grpc::Status mismatch = Confirm(*tgr, reference, 2000, "TGR-E2E-1", &confirmation);
  CHECK(core::ReasonOf(core::FromGrpcStatus(mismatch)).value_or("") == "AMOUNT_MISMATCH");
  REQUIRE(Confirm(*tgr, reference, 3000, "TGR-E2E-1", &confirmation).ok());
  CHECK(confirmation.outcome() == v1::PaymentConfirmation::ACCEPTED);
  REQUIRE(Confirm(*tgr, reference, 3000, "TGR-E2E-1", &confirmation).ok());  // repeated
  CHECK(confirmation.order_state() >= v1::PAID);

  // The issuance saga asks SGEC for the signed extract.
  auto state = [&] {
    auto got = s.Call("GET", "/v1/watiqa/orders/" + reference, citizen);
    return got.status == 200 ? Str(Json(got.body), "state") : "";
  };
  REQUIRE(Eventually([&] { return state() == "ISSUED"; }, absl::Seconds(20)));

  // Barid with zpctl partner: collect, register the shipment, report the delivery.
  const std::string zpctl = absl::StrCat(BinaryDir(), "/tools/zpctl/zpctl partner barid ");
  const std::string tls = absl::StrCat(" --address ", s.partner_address("watiqa"), " --tls_dir ",
                                       s.secrets().dir, "/tls");
  const std::string to_collect = CommandOutput(zpctl + "ListShipmentsToCollect" + tls);
  CHECK(to_collect.find(reference) != std::string::npos);
  CHECK(to_collect.find("90000") != std::string::npos);
  const std::string registered =
      CommandOutput(absl::StrCat(zpctl, "RegisterShipment '{\"orderReference\":\"", reference,
                                 "\",\"trackingNumber\":\"RR123456785MA\"}'", tls));
  CHECK(registered.find("RR123456785MA") != std::string::npos);
  const std::string now = google::protobuf::util::TimeUtil::ToString(
      google::protobuf::util::TimeUtil::GetCurrentTime());
  for (const char* event : {"EVENT_COLLECTED", "EVENT_DELIVERED", "EVENT_DELIVERED"}) {
    const std::string out = CommandOutput(absl::StrCat(
        zpctl, "ReportDeliveryEvent '{\"trackingNumber\":\"RR123456785MA\",\"event\":\"", event,
        "\",\"time\":\"", now, "\",\"location\":\"Tanger\"}'", tls));
    CHECK(out.find(reference) != std::string::npos);
  }
  CHECK(state() == "DELIVERED");

  // Tracking follows: the cached PLACED answer gave way to the events. (Polled gently: the
  // method's own rate limit allows 30 calls, then one a second.)
  Struct final_track;
  REQUIRE(Eventually(
      [&] {
        absl::SleepFor(absl::Milliseconds(250));
        auto t = s.Call("GET", track, "");
        if (t.status != 200) return false;
        final_track = Json(t.body);
        return Str(final_track, "state") == "DELIVERED";
      },
      absl::Seconds(20)));
  CHECK(Str(final_track, "trackingNumber") == "RR123456785MA");
  CHECK(final_track.fields().at("history").list_value().values_size() == 6);

  // Every change on devkafka, once: six state changes and the shipment.
  auto occurrences = [](const std::string& text, const std::string& what) {
    int n = 0;
    for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
  };
  std::string events;
  REQUIRE(Eventually(
      [&] {
        events = CommandOutput(absl::StrCat("kcat -b ", KafkaBootstrap(), " -t ", topic,
                                            " -C -o beginning -e -q -f '%k|%s\\n' 2>/dev/null"));
        return occurrences(events, reference + "|") >= 7;
      },
      absl::Seconds(20)));
  CHECK(occurrences(events, reference + "|") == 7);
  CHECK(occurrences(events, "zp.watiqa.v1.OrderStateChanged") == 6);
  CHECK(occurrences(events, "zp.watiqa.v1.ShipmentRegistered") == 1);

  // Guessing references is rate limited per client IP (30, then 1 a second): 429, Retry-After.
  int limited = 0;
  std::string retry_after;
  for (int i = 0; i < 40 && limited == 0; ++i) {
    auto t =
        s.Call("GET", absl::StrCat("/v1/watiqa/track/WTQ-2026-0000000", i % 10, "?lastName=X"), "");
    if (t.status == 429) {
      ++limited;
      retry_after = t.header("retry-after");
    }
  }
  CHECK(limited == 1);
  CHECK_FALSE(retry_after.empty());

  // Staff of the act's commune see the order; the governor's statistics count it.
  const std::string agent = s.Token({"civil_agent"}, {"01.511.01.01"});
  auto listed = s.Call("GET", "/v1/watiqa/orders?state=DELIVERED", agent);
  REQUIRE(listed.status == 200);
  CHECK(listed.body.find(reference) != std::string::npos);
  const std::string governor = s.Token({"governor"}, {"01.511"});
  auto stats = s.Call("GET", "/v1/watiqa/stats", governor);
  REQUIRE(stats.status == 200);
  CHECK(Str(Json(stats.body).fields().at("total").struct_value(), "orders") == "1");
}

TEST_CASE("watiqa e2e: SGEC stopped during issuance, then back: one document", "[e2e][watiqa]") {
  ServiceStack s({{"sgec", "zp.sgec.v1.CivilRegistry", {}},
                  {"watiqa",
                   "zp.watiqa.v1.Orders",
                   {"--sgec_address", "{grpc:sgec}", "--issue_poll_interval", "200ms",
                    "--issue_backoff_cap", "1s", "--tracking_cache", "false"}}});
  REQUIRE(s.WaitReady(absl::Seconds(60)));
  Struct act = RegisteredBirth(s);
  const std::string citizen = s.Token({"citizen"}, {}, Str(act, "idcs"));
  auto placed = s.Call("POST", "/v1/watiqa/orders", citizen, OrderBody(Str(act, "idcs")));
  REQUIRE(placed.status == 200);
  const std::string reference = Str(Json(placed.body), "reference");

  s.Stop("sgec");
  auto tgr = v1::TgrPayments::NewStub(PartnerChannel(s, "tgr"));
  v1::PaymentConfirmation confirmation;
  REQUIRE(Confirm(*tgr, reference, 3000, UniqueName("TGR-"), &confirmation).ok());
  absl::SleepFor(absl::Seconds(2));  // several attempts meet a stopped SGEC
  auto got = s.Call("GET", "/v1/watiqa/orders/" + reference, citizen);
  REQUIRE(got.status == 200);
  CHECK(Str(Json(got.body), "state") == "PAID");

  s.Start("sgec");
  REQUIRE(Eventually(
      [&] {
        auto o = s.Call("GET", "/v1/watiqa/orders/" + reference, citizen);
        return o.status == 200 && Str(Json(o.body), "state") == "ISSUED";
      },
      absl::Seconds(30)));
  const std::string count = CommandOutput(absl::StrCat(
      "psql -At '", absl::StrReplaceAll(PgServerUrl(), {{"/postgres", "/" + s.database("sgec")}}),
      "'", " -c \"SELECT count(*) FROM documents WHERE subject = 'acts/", Str(act, "id"), "'\""));
  CHECK(std::atoi(count.c_str()) == 1);
}

}  // namespace
}  // namespace zp::testing
