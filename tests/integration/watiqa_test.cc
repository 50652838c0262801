// WATIQA against the real SGEC (its gRPC service in this process, on a database of its own),
// PostgreSQL and Redis: orders, payments, the issuance saga, shipments, tracking and statistics.
#include <grpcpp/create_channel.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server_builder.h>

#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "services/sgec/src/sgec_service.h"
#include "services/watiqa/src/desk.h"
#include "services/watiqa/src/issuer.h"
#include "services/watiqa/src/pg_order_store.h"
#include "tests/integration/sgec_fixture.h"
#include "tests/support/migrated_database.h"
#include "tests/support/secrets.h"
#include "tests/support/test_env.h"
#include "tests/support/watiqa_requests.h"
#include "zp/core/files.h"
#include "zp/core/reference.h"
#include "zp/pg/test_database.h"
#include "zp/watiqa/migrations.h"

namespace zp::watiqa {
namespace {

using sgec::fixture::kAssilah;
using sgec::fixture::kCasablanca;

std::string Reason(const absl::Status& s) { return core::ReasonOf(s).value_or(""); }
std::string Field(const absl::Status& s) {
  auto v = core::FieldViolationsOf(s);
  return v.empty() ? "" : v.front().field;
}
bool HasField(const absl::Status& s, const std::string& field) {
  for (const auto& v : core::FieldViolationsOf(s)) {
    if (v.field == field) return true;
  }
  return false;
}

// SGEC answers as the real service would, except where a test says otherwise: it may lose the
// answer of an issuance (the copy is made, the caller never hears of it), or refuse for good.
class FlakyRegistry final : public CivilRegistry {
 public:
  explicit FlakyRegistry(CivilRegistry& real) : real_(real) {}
  absl::StatusOr<sgec::v1::CopyEntitlement> CheckEntitlement(
      const std::string& token, const sgec::v1::CheckCopyEntitlementRequest& r,
      const std::string& traceparent, absl::Time deadline) override {
    return real_.CheckEntitlement(token, r, traceparent, deadline);
  }
  absl::StatusOr<documents::v1::Document> IssueCopy(const sgec::v1::IssueCopyRequest& r,
                                                    absl::Time deadline) override {
    ++calls;
    if (refuse) return absl::NotFoundError("act not found");
    auto d = real_.IssueCopy(r, deadline);
    if (d.ok() && lose_answers > 0) {
      --lose_answers;
      return absl::DeadlineExceededError("the answer was lost");
    }
    return d;
  }
  int lose_answers = 0;
  bool refuse = false;
  int calls = 0;

 private:
  CivilRegistry& real_;
};

class WatiqaFixture {
 public:
  WatiqaFixture() {
    auto verifier = auth::JwtVerifier::FromJwksFile(secrets_.jwks(), auth::JwtOptions());
    REQUIRE(verifier.ok());
    verifier_ = *std::move(verifier);
    sgec_service_ = std::make_unique<sgec::CivilRegistryService>(sgec_.registry(), *verifier_);
    sgec_port_ = testing::FreePort();
    StartSgec();

    testing::MigratedDatabase migrated = testing::NewMigratedDatabase(Migrations().value(), 8);
    db_ = std::move(migrated.db);
    pool_ = std::move(migrated.pool);
    clock_.Set(absl::FromCivil(absl::CivilSecond(2026, 6, 15, 10, 0, 0), absl::UTCTimeZone()));

    auto token =
        service::ServiceToken::FromKeyFile(secrets_.dir + "/jwt/services/watiqa.pem", "watiqa");
    REQUIRE(token.ok());
    token_ = *std::move(token);
    channel_ = grpc::CreateChannel(absl::StrCat("127.0.0.1:", sgec_port_),
                                   grpc::InsecureChannelCredentials());
    grpc_registry_ = std::make_unique<GrpcCivilRegistry>(channel_, *token_);
    registry_ = std::make_unique<FlakyRegistry>(*grpc_registry_);
    redis_ = std::make_unique<redis::Pool>(testing::RedisOptions());
    cache_ = std::make_unique<TrackingCache>(redis_.get(), absl::Minutes(10),
                                             testing::UniqueName("watiqa-test-track"));
    store_ = std::make_unique<PgOrderStore>(*pool_, clock_, nullptr, "zp.watiqa.v1");
    auto tariff = Tariff::Parse(kDefaultTariff);
    REQUIRE(tariff.ok());
    desk_ = std::make_unique<Desk>(*store_, territory::Referential::LoadEmbedded().value(), clock_,
                                   *registry_, *cache_, DeskOptions{*tariff});
    issuer_ = std::make_unique<Issuer>(*store_, *registry_, clock_);
  }
  ~WatiqaFixture() { StopSgec(); }

  void StartSgec() {
    grpc::ServerBuilder builder;
    builder.AddListeningPort(absl::StrCat("127.0.0.1:", sgec_port_),
                             grpc::InsecureServerCredentials());
    builder.RegisterService(sgec_service_.get());
    sgec_server_ = builder.BuildAndStart();
    REQUIRE(sgec_server_ != nullptr);
  }
  void StopSgec() {
    if (sgec_server_ == nullptr) return;
    sgec_server_->Shutdown(std::chrono::system_clock::now());
    sgec_server_->Wait();
    sgec_server_.reset();
  }

  // A person registered in SGEC (an act with an IDCS), optionally the child of `mother`.
  sgec::v1::Act Person(int n, const std::string& commune = kAssilah,
                       const sgec::v1::Act* mother = nullptr) {
    auto r = sgec_.BirthOf(n, commune);
    if (mother != nullptr) r.mutable_birth()->mutable_mother()->set_idcs(mother->idcs());
    return sgec_.Registered(r);
  }

  Caller User(std::vector<std::string> roles, std::vector<std::string> territories,
              std::string idcs = "") {
    auth::TokenClaims claims;
    claims.subject = testing::UniqueName("user-");
    claims.roles = roles;
    claims.territories = territories;
    claims.idcs = idcs;
    Caller c;
    c.via = Caller::Via::kToken;
    c.bearer_token = *secrets_.Signer()->Sign(claims);
    auto p = verifier_->Verify(c.bearer_token);
    REQUIRE(p.ok());
    c.principal = *p;
    c.request_id = core::NewUuidV7();
    return c;
  }
  Caller Citizen(const std::string& idcs) { return User({"citizen"}, {}, idcs); }
  Caller Partner(const std::string& name) {
    Caller c;
    c.via = Caller::Via::kPartner;
    auth::Principal p;
    p.subject = "partner:" + name;
    p.partner = name;
    p.roles = {name};
    c.principal = p;
    return c;
  }

  v1::PlaceOrderRequest OrderOf(const std::string& idcs, int copies = 1,
                                sgec::v1::CopyKind kind = sgec::v1::EXTRACT) {
    return testing::OrderRequest(idcs, copies, kind);
  }

  v1::Order Place(const Caller& c, const v1::PlaceOrderRequest& r) {
    auto o = desk_->PlaceOrder(c, r);
    INFO(o.status().ToString());
    REQUIRE(o.ok());
    return *o;
  }

  absl::StatusOr<v1::PaymentConfirmation> Pay(const v1::Order& o,
                                              std::string payment_reference = "",
                                              int64_t amount = -1) {
    v1::ConfirmPaymentRequest r;
    r.set_order_reference(o.reference());
    r.mutable_amount()->set_centimes(amount < 0 ? o.fee().centimes() : amount);
    r.set_payment_reference(payment_reference.empty() ? testing::UniqueName("TGR-")
                                                      : payment_reference);
    *r.mutable_paid_at() = ToTimestamp(clock_.Now());
    return desk_->ConfirmPayment(Partner("tgr"), r);
  }

  v1::Order Get(const Caller& c, const v1::Order& o) {
    v1::GetOrderRequest r;
    r.set_reference(o.reference());
    auto got = desk_->GetOrder(c, r);
    INFO(got.status().ToString());
    REQUIRE(got.ok());
    return *got;
  }

  int64_t Count(const std::string& sql) { return testing::QueryCount(*pool_, sql); }
  // The newest event of order `o` in the outbox.
  events::v1::Event LastEvent(const v1::Order& o) {
    auto conn = pool_->Acquire();
    REQUIRE(conn.ok());
    auto r = (*conn)->Exec("SELECT value FROM outbox WHERE key = $1 ORDER BY id DESC LIMIT 1",
                           {o.reference()});
    REQUIRE(r.ok());
    REQUIRE(r->rows() == 1);
    events::v1::Event e;
    REQUIRE(e.ParseFromString(r->Bytes(0, 0)));
    return e;
  }
  int64_t Events(const v1::Order& o, const std::string& type) {
    return Count(absl::StrCat("SELECT count(*) FROM outbox WHERE key = '", o.reference(),
                              "' AND event_type = '", type, "'"));
  }
  int64_t SgecDocuments(const std::string& act_id) {
    return sgec_.Count(
        absl::StrCat("SELECT count(*) FROM documents WHERE subject = 'acts/", act_id, "'"));
  }

  absl::StatusOr<v1::DeliveryEventAck> Deliver(const std::string& tracking,
                                               v1::DeliveryEventKind kind, absl::Time at,
                                               std::string reason = "") {
    v1::ReportDeliveryEventRequest r;
    r.set_tracking_number(tracking);
    r.set_event(kind);
    *r.mutable_time() = ToTimestamp(at);
    r.set_location("Tanger CTC");
    r.set_reason(std::move(reason));
    return desk_->ReportDeliveryEvent(Partner("barid"), r);
  }

  testing::Secrets secrets_;
  sgec::fixture::SgecFixture sgec_;
  std::unique_ptr<auth::JwtVerifier> verifier_;
  std::unique_ptr<sgec::CivilRegistryService> sgec_service_;
  std::unique_ptr<grpc::Server> sgec_server_;
  int sgec_port_ = 0;
  std::unique_ptr<pg::TestDatabase> db_;
  std::unique_ptr<pg::Pool> pool_;
  core::ManualClock clock_;
  std::unique_ptr<service::ServiceToken> token_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<GrpcCivilRegistry> grpc_registry_;
  std::unique_ptr<FlakyRegistry> registry_;
  std::unique_ptr<redis::Pool> redis_;
  std::unique_ptr<TrackingCache> cache_;
  std::unique_ptr<PgOrderStore> store_;
  std::unique_ptr<Desk> desk_;
  std::unique_ptr<Issuer> issuer_;
};

// UPU S10 numbers with their check digit.
std::string S10(int serial) {
  std::string digits = absl::StrCat(10000000 + serial % 89999999);
  static constexpr int kWeights[8] = {8, 6, 4, 2, 3, 5, 9, 7};
  int sum = 0;
  for (int i = 0; i < 8; ++i) sum += (digits[i] - '0') * kWeights[i];
  int check = 11 - sum % 11;
  if (check == 10) check = 0;
  if (check == 11) check = 5;
  return absl::StrCat("RR", digits, check, "MA");
}

std::vector<v1::OrderState> States(const v1::Order& o) {
  std::vector<v1::OrderState> out;
  for (const auto& h : o.history()) out.push_back(h.state());
  return out;
}

TEST_CASE("watiqa: an order goes from placement to delivery, every step an event",
          "[integration][watiqa]") {
  WatiqaFixture f;
  const sgec::v1::Act act = f.Person(1);
  const Caller citizen = f.Citizen(act.idcs());
  v1::Order o = f.Place(citizen, f.OrderOf(act.idcs(), 2, sgec::v1::FULL_COPY));
  CHECK(o.state() == v1::PLACED);
  CHECK(o.act_id() == act.id());
  CHECK(o.act_reference() == act.reference());
  CHECK(o.commune_code() == kAssilah);
  CHECK(o.fee().centimes() == 2 * 4000);
  CHECK(o.destination() == v1::MOROCCO);
  CHECK(core::HumanReference::Normalize(o.reference(), "reference").ok());

  v1::StartPaymentRequest pay;
  pay.set_request_id(core::NewUuidV7());
  pay.set_reference(o.reference());
  auto instructions = f.desk_->StartPayment(citizen, pay);
  REQUIRE(instructions.ok());
  CHECK(instructions->amount().centimes() == 8000);
  CHECK(instructions->state() == v1::PAYMENT_PENDING);
  CHECK(instructions->payment_url().find(o.reference()) != std::string::npos);

  f.clock_.Advance(absl::Minutes(10));
  auto paid = f.Pay(o, "TGR-2026-0001");
  INFO(paid.status().ToString());
  REQUIRE(paid.ok());
  CHECK(paid->outcome() == v1::PaymentConfirmation::ACCEPTED);
  CHECK(paid->order_state() == v1::PAID);

  auto pass = f.issuer_->RunOnce();
  REQUIRE(pass.ok());
  CHECK(pass->issued == 1);
  o = f.Get(citizen, o);
  CHECK(o.state() == v1::ISSUED);
  CHECK(o.document_ids_size() == 2);
  CHECK(f.SgecDocuments(act.id()) == 2);

  // Barid collects the ISSUED orders, ships them and reports.
  auto collect = f.desk_->ListShipmentsToCollect(f.Partner("barid"), {});
  REQUIRE(collect.ok());
  REQUIRE(collect->shipments_size() == 1);
  CHECK(collect->shipments(0).order_reference() == o.reference());
  CHECK(collect->shipments(0).copies() == 2);
  CHECK(collect->shipments(0).address().postal_code() == "90000");
  v1::RegisterShipmentRequest ship;
  ship.set_order_reference(o.reference());
  ship.set_tracking_number(S10(1));
  auto shipped = f.desk_->RegisterShipment(f.Partner("barid"), ship);
  INFO(shipped.status().ToString());
  REQUIRE(shipped.ok());
  CHECK(f.desk_->ListShipmentsToCollect(f.Partner("barid"), {})->shipments_size() == 0);

  const absl::Time collected = f.clock_.Now() + absl::Hours(20);
  f.clock_.Advance(absl::Hours(50));
  REQUIRE(f.Deliver(S10(1), v1::EVENT_COLLECTED, collected).ok());
  auto delivered = f.Deliver(S10(1), v1::EVENT_DELIVERED, collected + absl::Hours(28));
  REQUIRE(delivered.ok());
  CHECK(delivered->order_state() == v1::DELIVERED);

  o = f.Get(citizen, o);
  CHECK(o.state() == v1::DELIVERED);
  CHECK(o.tracking_number() == S10(1));
  CHECK(States(o) == std::vector<v1::OrderState>{v1::PLACED, v1::PAYMENT_PENDING, v1::PAID,
                                                 v1::ISSUED, v1::DISPATCHED, v1::DELIVERED});
  CHECK(ToTime(o.history(4).time()) == collected);
  CHECK(f.Events(o, "zp.watiqa.v1.OrderStateChanged") == 6);
  CHECK(f.Events(o, "zp.watiqa.v1.ShipmentRegistered") == 1);
  CHECK(f.Count("SELECT count(*) FROM audit_log WHERE resource LIKE 'orders/%'") >= 7);
}

TEST_CASE("watiqa: who may order what", "[integration][watiqa]") {
  WatiqaFixture f;
  const sgec::v1::Act mother = f.Person(10);
  const sgec::v1::Act child = f.Person(11, kAssilah, &mother);
  const sgec::v1::Act stranger = f.Person(12);

  SECTION("a mother orders her minor child's extract") {
    v1::Order o = f.Place(f.Citizen(mother.idcs()), f.OrderOf(child.idcs()));
    CHECK(o.act_id() == child.id());
  }
  SECTION("by act reference") {
    auto r = f.OrderOf("");
    auto* ref = r.mutable_act_reference();
    ref->set_bureau_code(stranger.bureau_code());
    ref->set_year(stranger.year());
    ref->set_number(stranger.number());
    v1::Order o = f.Place(f.Citizen(stranger.idcs()), r);
    CHECK(o.act_id() == stranger.id());
  }
  SECTION("someone else's act is not found, as an act that does not exist") {
    auto other = f.desk_->PlaceOrder(f.Citizen(mother.idcs()), f.OrderOf(stranger.idcs()));
    CHECK(other.status().code() == absl::StatusCode::kNotFound);
    auto none = f.desk_->PlaceOrder(f.Citizen(mother.idcs()), f.OrderOf("1234567897"));
    CHECK(none.status().code() == absl::StatusCode::kNotFound);
    CHECK(f.Count("SELECT count(*) FROM orders") == 0);
  }
  SECTION("a child does not order the mother's act") {
    auto r = f.desk_->PlaceOrder(f.Citizen(child.idcs()), f.OrderOf(mother.idcs()));
    CHECK(r.status().code() == absl::StatusCode::kNotFound);
  }
  SECTION("civil-status staff order on behalf in their territory only") {
    const Caller clerk = f.User({"civil_agent"}, {kAssilah});
    CHECK(f.desk_->PlaceOrder(clerk, f.OrderOf(stranger.idcs())).ok());
    // And cancel a citizen's order there; a clerk elsewhere does not see it.
    v1::Order citizens = f.Place(f.Citizen(stranger.idcs()), f.OrderOf(stranger.idcs()));
    v1::CancelOrderRequest cancel;
    cancel.set_request_id(core::NewUuidV7());
    cancel.set_reference(citizens.reference());
    CHECK(f.desk_->CancelOrder(f.User({"civil_agent"}, {kCasablanca}), cancel).status().code() ==
          absl::StatusCode::kNotFound);
    cancel.set_request_id(core::NewUuidV7());
    auto cancelled = f.desk_->CancelOrder(clerk, cancel);
    REQUIRE(cancelled.ok());
    CHECK(cancelled->state() == v1::CANCELLED);
    auto far =
        f.desk_->PlaceOrder(f.User({"civil_agent"}, {kCasablanca}), f.OrderOf(stranger.idcs()));
    CHECK(far.status().code() == absl::StatusCode::kNotFound);
    auto governor =
        f.desk_->PlaceOrder(f.User({"governor"}, {"01.511"}), f.OrderOf(stranger.idcs()));
    CHECK(governor.status().code() == absl::StatusCode::kPermissionDenied);
  }
  SECTION("invalid requests name every field and write nothing") {
    auto r = f.OrderOf(stranger.idcs(), 11);
    r.mutable_address()->set_postal_code("9000");
    r.mutable_address()->clear_lines();
    r.mutable_contact()->set_email("not-an-address");
    r.mutable_contact()->set_phone("0612");
    r.set_kind(sgec::v1::COPY_KIND_UNSPECIFIED);
    auto bad = f.desk_->PlaceOrder(f.Citizen(stranger.idcs()), r);
    CHECK(bad.status().code() == absl::StatusCode::kInvalidArgument);
    for (const char* field : {"copies", "address.postal_code", "address.lines", "contact.email",
                              "contact.phone", "kind"}) {
      INFO(field);
      CHECK(HasField(bad.status(), field));
    }
    auto no_contact = f.OrderOf(stranger.idcs());
    no_contact.clear_contact();
    CHECK(Field(f.desk_->PlaceOrder(f.Citizen(stranger.idcs()), no_contact).status()) == "contact");
    auto bad_idcs = f.OrderOf("12345");
    CHECK(Field(f.desk_->PlaceOrder(f.Citizen(stranger.idcs()), bad_idcs).status()) == "idcs");
    CHECK(f.Count("SELECT count(*) FROM orders") == 0);
  }
  SECTION("abroad: the abroad fee, any postal code shape") {
    auto r = f.OrderOf(stranger.idcs(), 1);
    r.mutable_address()->set_country_code("FR");
    r.mutable_address()->set_postal_code("75011");
    r.mutable_address()->set_city("Paris");
    v1::Order o = f.Place(f.Citizen(stranger.idcs()), r);
    CHECK(o.destination() == v1::ABROAD);
    CHECK(o.fee().centimes() == 8000);
  }
  SECTION("a retried placement is one order") {
    auto r = f.OrderOf(stranger.idcs());
    const Caller c = f.Citizen(stranger.idcs());
    v1::Order a = f.Place(c, r);
    v1::Order b = f.Place(c, r);
    CHECK(a.reference() == b.reference());
    CHECK(f.Count("SELECT count(*) FROM orders") == 1);
  }
}

TEST_CASE("watiqa: the TGR's confirmations", "[integration][watiqa]") {
  WatiqaFixture f;
  const sgec::v1::Act act = f.Person(20);
  const Caller citizen = f.Citizen(act.idcs());
  v1::Order o = f.Place(citizen, f.OrderOf(act.idcs()));

  SECTION("a wrong amount is refused and the order stays unpaid") {
    auto r = f.Pay(o, "TGR-A", o.fee().centimes() - 100);
    CHECK(r.status().code() == absl::StatusCode::kFailedPrecondition);
    CHECK(Reason(r.status()) == "AMOUNT_MISMATCH");
    CHECK(f.Get(citizen, o).state() == v1::PLACED);
    CHECK(f.Count("SELECT count(*) FROM payments") == 0);
  }
  SECTION("the same confirmation twice: one payment, one PAID, the same answer") {
    auto a = f.Pay(o, "TGR-B");
    auto b = f.Pay(o, "TGR-B");
    REQUIRE(a.ok());
    REQUIRE(b.ok());
    CHECK(a->outcome() == b->outcome());
    CHECK(b->order_state() == v1::PAID);
    CHECK(f.Count("SELECT count(*) FROM payments") == 1);
    CHECK(f.Count("SELECT count(*) FROM outbox WHERE event_type = "
                  "'zp.watiqa.v1.OrderStateChanged'") == 2);  // PLACED, PAID
    // The payment reference cannot confirm another order.
    v1::Order other = f.Place(citizen, f.OrderOf(act.idcs()));
    auto reused = f.Pay(other, "TGR-B");
    CHECK(reused.status().code() == absl::StatusCode::kAlreadyExists);
    CHECK(Reason(reused.status()) == "PAYMENT_REFERENCE_REUSED");
    CHECK(f.Get(citizen, other).state() == v1::PLACED);
  }
  SECTION("a late confirmation of a cancelled order is kept and owed back") {
    v1::CancelOrderRequest cancel;
    cancel.set_request_id(core::NewUuidV7());
    cancel.set_reference(o.reference());
    cancel.set_reason("ordered twice");
    REQUIRE(f.desk_->CancelOrder(citizen, cancel).ok());
    auto late = f.Pay(o, "TGR-C");
    REQUIRE(late.ok());
    CHECK(late->outcome() == v1::PaymentConfirmation::REFUND_DUE);
    CHECK(late->order_state() == v1::CANCELLED);
    v1::Order now = f.Get(citizen, o);
    CHECK(now.state() == v1::CANCELLED);
    CHECK(now.refund_due());
    auto refunds = f.desk_->ListRefundsDue(f.Partner("tgr"), {});
    REQUIRE(refunds.ok());
    REQUIRE(refunds->refunds_size() == 1);
    CHECK(refunds->refunds(0).payment_reference() == "TGR-C");
    CHECK(refunds->refunds(0).order_reference() == o.reference());
    CHECK(refunds->refunds(0).amount().centimes() == o.fee().centimes());
    CHECK(f.Events(o, "zp.watiqa.v1.RefundFlagged") == 1);

    // The TGR gives it back and says so, once.
    v1::AcknowledgeRefundRequest ack;
    ack.set_payment_reference("TGR-C");
    ack.set_refund_reference("TGR-RB-1");
    *ack.mutable_refunded_at() = ToTimestamp(f.clock_.Now());
    auto acknowledged = f.desk_->AcknowledgeRefund(f.Partner("tgr"), ack);
    INFO(acknowledged.status().ToString());
    REQUIRE(acknowledged.ok());
    CHECK(acknowledged->refund_reference() == "TGR-RB-1");
    CHECK(f.desk_->AcknowledgeRefund(f.Partner("tgr"), ack).ok());  // again: same answer
    CHECK(f.Events(o, "zp.watiqa.v1.RefundPaid") == 1);
    // Refund events carry the order's version too: the tracking entry follows them.
    const events::v1::Event refund_paid = f.LastEvent(o);
    CHECK(refund_paid.type() == "zp.watiqa.v1.RefundPaid");
    REQUIRE(f.cache_->Apply(refund_paid).ok());
    f.cache_->Put(o.reference(), 2, "an answer read before the refund");
    CHECK_FALSE(f.cache_->Get(o.reference()).has_value());
    CHECK(f.desk_->ListRefundsDue(f.Partner("tgr"), {})->refunds_size() == 0);
    CHECK_FALSE(f.Get(citizen, o).refund_due());
    ack.set_refund_reference("TGR-RB-2");
    CHECK(Reason(f.desk_->AcknowledgeRefund(f.Partner("tgr"), ack).status()) ==
          "REFUND_ALREADY_ACKNOWLEDGED");
    CHECK(f.desk_->AcknowledgeRefund(f.Partner("barid"), ack).status().code() ==
          absl::StatusCode::kPermissionDenied);
  }
  SECTION("no cancellation after payment, no refund of an accepted payment") {
    REQUIRE(f.Pay(o, "TGR-OK").ok());
    v1::AcknowledgeRefundRequest ack;
    ack.set_payment_reference("TGR-OK");
    ack.set_refund_reference("TGR-RB-9");
    *ack.mutable_refunded_at() = ToTimestamp(f.clock_.Now());
    CHECK(Reason(f.desk_->AcknowledgeRefund(f.Partner("tgr"), ack).status()) == "NO_REFUND_DUE");
    v1::StartPaymentRequest pay;
    pay.set_request_id(core::NewUuidV7());
    pay.set_reference(o.reference());
    CHECK(Reason(f.desk_->StartPayment(citizen, pay).status()) == "INVALID_STATE");
    v1::CancelOrderRequest cancel;
    cancel.set_request_id(core::NewUuidV7());
    cancel.set_reference(o.reference());
    auto r = f.desk_->CancelOrder(citizen, cancel);
    CHECK(r.status().code() == absl::StatusCode::kFailedPrecondition);
    CHECK(Reason(r.status()) == "INVALID_STATE");
  }
  SECTION("each partner calls only its own methods") {
    v1::ConfirmPaymentRequest r;
    r.set_order_reference(o.reference());
    r.mutable_amount()->set_centimes(o.fee().centimes());
    r.set_payment_reference("TGR-D");
    *r.mutable_paid_at() = ToTimestamp(f.clock_.Now());
    auto barid = f.desk_->ConfirmPayment(f.Partner("barid"), r);
    CHECK(barid.status().code() == absl::StatusCode::kPermissionDenied);
    CHECK(Reason(barid.status()) == "WRONG_PARTNER");
    auto tgr = f.desk_->ListShipmentsToCollect(f.Partner("tgr"), {});
    CHECK(Reason(tgr.status()) == "WRONG_PARTNER");
    CHECK(f.Get(citizen, o).state() == v1::PLACED);
  }
  SECTION("confirmations are validated") {
    v1::ConfirmPaymentRequest r;
    r.set_order_reference("WTQ-nonsense");
    r.set_payment_reference("has space");
    auto bad = f.desk_->ConfirmPayment(f.Partner("tgr"), r);
    CHECK(bad.status().code() == absl::StatusCode::kInvalidArgument);
    for (const char* field : {"order_reference", "amount", "payment_reference", "paid_at"}) {
      INFO(field);
      CHECK(HasField(bad.status(), field));
    }
  }
}

TEST_CASE("watiqa: SGEC down during issuance, then back: the order completes with one document",
          "[integration][watiqa]") {
  WatiqaFixture f;
  prometheus::Registry registry;
  f.issuer_->ExportTo(registry);
  const sgec::v1::Act act = f.Person(30);
  const Caller citizen = f.Citizen(act.idcs());
  v1::Order o = f.Place(citizen, f.OrderOf(act.idcs()));
  f.StopSgec();
  REQUIRE(f.Pay(o).ok());
  auto pass = f.issuer_->RunOnce();
  REQUIRE(pass.ok());
  CHECK(pass->retried == 1);
  CHECK(f.Get(citizen, o).state() == v1::PAID);
  CHECK(f.Count("SELECT issue_attempts FROM orders") == 1);
  // Not due again before its backoff.
  CHECK(f.issuer_->RunOnce()->retried == 0);
  f.clock_.Advance(absl::Seconds(1));
  CHECK(f.issuer_->RunOnce()->retried == 1);
  CHECK(f.Count("SELECT issue_attempts FROM orders") == 2);

  f.StartSgec();
  // The channel reconnects on its own backoff; the saga's next attempts would find it. Here the
  // test waits for it rather than for the channel's timer.
  REQUIRE(
      f.channel_->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(10)));
  // SGEC makes the copy but its answer is lost: the retry must not make a second one.
  f.registry_->lose_answers = 1;
  f.clock_.Advance(absl::Seconds(2));
  CHECK(f.issuer_->RunOnce()->retried == 1);
  CHECK(f.SgecDocuments(act.id()) == 1);
  f.clock_.Advance(absl::Seconds(4));
  CHECK(f.issuer_->RunOnce()->issued == 1);
  v1::Order done = f.Get(citizen, o);
  CHECK(done.state() == v1::ISSUED);
  CHECK(done.document_ids_size() == 1);
  CHECK(f.SgecDocuments(act.id()) == 1);
  CHECK(f.Events(o, "zp.watiqa.v1.OrderStateChanged") == 3);  // PLACED, PAID, ISSUED
  // zp_watiqa_issuance_total counted every attempt.
  double retried = 0, issued = 0;
  for (const auto& family : registry.Collect()) {
    for (const auto& metric : family.metric) {
      if (family.name != "zp_watiqa_issuance_total") continue;
      if (metric.label[0].value == "retried") retried = metric.counter.value;
      if (metric.label[0].value == "issued") issued = metric.counter.value;
    }
  }
  CHECK(retried == 3);
  CHECK(issued == 1);
}

TEST_CASE("watiqa: concurrent confirmations of one order", "[integration][watiqa]") {
  WatiqaFixture f;
  const sgec::v1::Act act = f.Person(33);
  const Caller citizen = f.Citizen(act.idcs());
  v1::Order o = f.Place(citizen, f.OrderOf(act.idcs()));
  constexpr int kThreads = 8;
  std::vector<absl::StatusOr<v1::PaymentConfirmation>> same(kThreads), distinct(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] { same[i] = f.Pay(o, "TGR-SAME"); });
  }
  for (auto& t : threads) t.join();
  for (const auto& r : same) {
    REQUIRE(r.ok());
    CHECK(r->outcome() == v1::PaymentConfirmation::ACCEPTED);
  }
  CHECK(f.Count("SELECT count(*) FROM payments") == 1);
  CHECK(f.Events(o, "zp.watiqa.v1.OrderStateChanged") == 2);  // PLACED, PAID

  // Other payments of the same order, at once: each kept and owed back, the order paid once.
  threads.clear();
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] { distinct[i] = f.Pay(o, absl::StrCat("TGR-OTHER-", i)); });
  }
  for (auto& t : threads) t.join();
  for (const auto& r : distinct) {
    REQUIRE(r.ok());
    CHECK(r->outcome() == v1::PaymentConfirmation::REFUND_DUE);
  }
  CHECK(f.Count("SELECT count(*) FROM payments") == 1 + kThreads);
  CHECK(f.Count("SELECT count(*) FROM payments WHERE outcome = 2") == kThreads);
  CHECK(f.Events(o, "zp.watiqa.v1.RefundFlagged") == kThreads);
  CHECK(f.Get(citizen, o).refund_due());
}

TEST_CASE("watiqa: when SGEC can never issue, the order is refunded", "[integration][watiqa]") {
  WatiqaFixture f;
  const sgec::v1::Act act = f.Person(35);
  const Caller citizen = f.Citizen(act.idcs());
  v1::Order o = f.Place(citizen, f.OrderOf(act.idcs()));
  REQUIRE(f.Pay(o, "TGR-R").ok());
  f.registry_->refuse = true;
  CHECK(f.issuer_->RunOnce()->refunded == 1);
  v1::Order now = f.Get(citizen, o);
  CHECK(now.state() == v1::REFUNDED);
  CHECK(now.refund_due());
  CHECK(now.history().rbegin()->note().find("cannot be issued") != std::string::npos);
  auto refunds = f.desk_->ListRefundsDue(f.Partner("tgr"), {});
  REQUIRE(refunds->refunds_size() == 1);
  CHECK(refunds->refunds(0).payment_reference() == "TGR-R");
  CHECK(f.issuer_->RunOnce()->refunded == 0);  // once
}

TEST_CASE("watiqa: the issuance saga's events carry the paying call's request id and trace",
          "[integration][watiqa]") {
  WatiqaFixture f;
  const sgec::v1::Act act = f.Person(41);
  v1::Order o = f.Place(f.Citizen(act.idcs()), f.OrderOf(act.idcs()));
  Caller tgr = f.Partner("tgr");
  tgr.request_id = "tgr-call-0001";
  tgr.traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  v1::ConfirmPaymentRequest r;
  r.set_order_reference(o.reference());
  r.mutable_amount()->set_centimes(o.fee().centimes());
  r.set_payment_reference(testing::UniqueName("TGR-"));
  *r.mutable_paid_at() = ToTimestamp(f.clock_.Now());
  REQUIRE(f.desk_->ConfirmPayment(tgr, r).ok());
  REQUIRE(f.issuer_->RunOnce()->issued == 1);
  const events::v1::Event issued = f.LastEvent(o);
  CHECK(issued.type() == "zp.watiqa.v1.OrderStateChanged");
  CHECK(issued.traceparent() == tgr.traceparent);
  CHECK(issued.request_id() == "tgr-call-0001");
}

TEST_CASE("watiqa: Barid's events out of order and repeated", "[integration][watiqa]") {
  WatiqaFixture f;
  const sgec::v1::Act act = f.Person(40);
  const Caller citizen = f.Citizen(act.idcs());
  const absl::Time t0 = f.clock_.Now();
  // Issued at t0; the events below come 48 hours later, about the hours after t0.
  auto issued_order = [&](int serial) {
    f.clock_.Set(t0);
    v1::Order o = f.Place(citizen, f.OrderOf(act.idcs()));
    REQUIRE(f.Pay(o).ok());
    REQUIRE(f.issuer_->RunOnce()->issued == 1);
    v1::RegisterShipmentRequest ship;
    ship.set_order_reference(o.reference());
    ship.set_tracking_number(S10(serial));
    REQUIRE(f.desk_->RegisterShipment(f.Partner("barid"), ship).ok());
    REQUIRE(f.desk_->RegisterShipment(f.Partner("barid"), ship).ok());  // again: same answer
    f.clock_.Set(t0 + absl::Hours(48));
    return o;
  };

  SECTION("delivered reported before collected") {
    v1::Order o = issued_order(100);
    auto a = f.Deliver(S10(100), v1::EVENT_DELIVERED, t0 + absl::Hours(30));
    REQUIRE(a.ok());
    CHECK(a->order_state() == v1::DELIVERED);
    auto b = f.Deliver(S10(100), v1::EVENT_COLLECTED, t0 + absl::Hours(2));
    REQUIRE(b.ok());
    CHECK_FALSE(b->duplicate());
    CHECK(b->order_state() == v1::DELIVERED);
    auto again = f.Deliver(S10(100), v1::EVENT_DELIVERED, t0 + absl::Hours(30));
    REQUIRE(again.ok());
    CHECK(again->duplicate());
    v1::Order now = f.Get(citizen, o);
    CHECK(States(now) == std::vector<v1::OrderState>{v1::PLACED, v1::PAID, v1::ISSUED,
                                                     v1::DISPATCHED, v1::DELIVERED});
    CHECK(f.Events(o, "zp.watiqa.v1.OrderStateChanged") == 5);
    // The dispatch time is the earliest event's, whatever the arrival order.
    CHECK(f.Count(absl::StrCat("SELECT (extract(epoch FROM dispatched_at))::bigint FROM orders "
                               "WHERE reference = '",
                               o.reference(), "'")) == absl::ToUnixSeconds(t0 + absl::Hours(2)));
  }
  SECTION("undeliverable: returned with the reason") {
    v1::Order o = issued_order(101);
    REQUIRE(f.Deliver(S10(101), v1::EVENT_IN_TRANSIT, t0 + absl::Hours(5)).ok());
    auto missing = f.Deliver(S10(101), v1::EVENT_UNDELIVERABLE, t0 + absl::Hours(40));
    CHECK(Field(missing.status()) == "reason");
    REQUIRE(f.Deliver(S10(101), v1::EVENT_UNDELIVERABLE, t0 + absl::Hours(40), "adresse inconnue")
                .ok());
    v1::Order now = f.Get(citizen, o);
    CHECK(now.state() == v1::RETURNED);
    CHECK(now.history().rbegin()->note() == "adresse inconnue");
  }
  SECTION("an event dated before the documents were issued, or ahead of now, is refused") {
    v1::Order o = issued_order(106);
    const absl::Time y1999 = absl::FromCivil(absl::CivilDay(1999, 1, 1), absl::UTCTimeZone());
    for (absl::Time at : {y1999, t0 - absl::Minutes(10)}) {
      auto early = f.Deliver(S10(106), v1::EVENT_COLLECTED, at);
      CHECK(early.status().code() == absl::StatusCode::kInvalidArgument);
      CHECK(Field(early.status()) == "time");
      CHECK(Reason(early.status()) == "TIME_BEFORE_PREVIOUS_STEP");
    }
    auto ahead = f.Deliver(S10(106), v1::EVENT_COLLECTED, f.clock_.Now() + absl::Minutes(10));
    CHECK(Reason(ahead.status()) == "TIME_IN_FUTURE");
    // Nothing of them was kept: the order is still ISSUED, not dispatched, and has no events.
    CHECK(f.Get(citizen, o).state() == v1::ISSUED);
    CHECK(f.Count(absl::StrCat("SELECT count(*) FROM delivery_events WHERE tracking_number = '",
                               S10(106), "'")) == 0);
    CHECK(f.Count(absl::StrCat("SELECT count(*) FROM orders WHERE dispatched_at IS NOT NULL "
                               "AND reference = '",
                               o.reference(), "'")) == 0);
    REQUIRE(f.Deliver(S10(106), v1::EVENT_COLLECTED, t0 + absl::Minutes(1)).ok());
    CHECK(f.Get(citizen, o).state() == v1::DISPATCHED);
  }
  SECTION("a payment dated before the order was placed is refused") {
    v1::Order o = f.Place(citizen, f.OrderOf(act.idcs()));
    v1::ConfirmPaymentRequest r;
    r.set_order_reference(o.reference());
    r.mutable_amount()->set_centimes(o.fee().centimes());
    r.set_payment_reference(testing::UniqueName("TGR-"));
    *r.mutable_paid_at() = ToTimestamp(ToTime(o.create_time()) - absl::Minutes(10));
    auto early = f.desk_->ConfirmPayment(f.Partner("tgr"), r);
    CHECK(Field(early.status()) == "paid_at");
    CHECK(Reason(early.status()) == "TIME_BEFORE_PREVIOUS_STEP");
    CHECK(f.Get(citizen, o).state() == v1::PLACED);
    // A partner clock a little behind ours, or whole seconds: the payment counts as made then.
    *r.mutable_paid_at() = ToTimestamp(ToTime(o.create_time()) - absl::Seconds(1));
    REQUIRE(f.desk_->ConfirmPayment(f.Partner("tgr"), r).ok());
    CHECK(f.Get(citizen, o).state() == v1::PAID);
  }
  SECTION("a shipment is registered once, for an issued order") {
    v1::Order o = issued_order(102);
    v1::RegisterShipmentRequest other;
    other.set_order_reference(o.reference());
    other.set_tracking_number(S10(103));
    CHECK(Reason(f.desk_->RegisterShipment(f.Partner("barid"), other).status()) ==
          "TRACKING_NUMBER_ALREADY_SET");
    other.set_tracking_number("RR123456789MA");  // wrong check digit
    CHECK(Field(f.desk_->RegisterShipment(f.Partner("barid"), other).status()) ==
          "tracking_number");
    v1::Order unpaid = f.Place(citizen, f.OrderOf(act.idcs()));
    other.set_order_reference(unpaid.reference());
    other.set_tracking_number(S10(104));
    CHECK(Reason(f.desk_->RegisterShipment(f.Partner("barid"), other).status()) == "INVALID_STATE");
    CHECK(f.Deliver(S10(105), v1::EVENT_COLLECTED, t0).status().code() ==
          absl::StatusCode::kNotFound);
  }
}

TEST_CASE("watiqa: public tracking by reference and name, through the cache",
          "[integration][watiqa]") {
  WatiqaFixture f;
  const sgec::v1::Act act = f.Person(50);
  const Caller citizen = f.Citizen(act.idcs());
  v1::Order o = f.Place(citizen, f.OrderOf(act.idcs()));
  const auto& family = act.current_birth().child().family_name();
  v1::TrackOrderRequest track;
  track.set_reference(absl::AsciiStrToLower(o.reference()));  // as typed
  track.set_last_name(absl::AsciiStrToUpper(family.fr()));
  Caller anonymous;

  auto first = f.desk_->TrackOrder(anonymous, track);
  REQUIRE(first.ok());
  CHECK(first->state() == v1::PLACED);
  CHECK(f.cache_->stats().misses == 1);
  auto second = f.desk_->TrackOrder(anonymous, track);
  REQUIRE(second.ok());
  CHECK(f.cache_->stats().hits == 1);
  track.set_last_name(family.ar());
  CHECK(f.desk_->TrackOrder(anonymous, track).ok());

  SECTION("a wrong name and an unknown reference get the same answer") {
    track.set_last_name("Bennani");
    auto wrong = f.desk_->TrackOrder(anonymous, track);
    v1::TrackOrderRequest unknown;
    unknown.set_reference(core::HumanReference::Generate("WTQ", f.clock_.Now()));
    unknown.set_last_name(family.fr());
    auto none = f.desk_->TrackOrder(anonymous, unknown);
    CHECK(wrong.status().code() == absl::StatusCode::kNotFound);
    CHECK(none.status().code() == absl::StatusCode::kNotFound);
    CHECK(wrong.status().message().substr(0, 6) == none.status().message().substr(0, 6));
    CHECK(wrong.status().message().size() == none.status().message().size());
    // The unknown reference is remembered: a second guess does not reach the database.
    const int64_t hits = f.cache_->stats().hits;
    CHECK(f.desk_->TrackOrder(anonymous, unknown).status().code() == absl::StatusCode::kNotFound);
    CHECK(f.cache_->stats().hits == hits + 1);
  }
  SECTION("an order created after its reference was guessed is found") {
    v1::TrackOrderRequest early;
    early.set_reference(core::HumanReference::Generate("WTQ", f.clock_.Now()));
    early.set_last_name(family.fr());
    CHECK(f.desk_->TrackOrder(anonymous, early).status().code() == absl::StatusCode::kNotFound);
    // PLACED is version 1: its event lifts the entry above the remembered absence.
    REQUIRE(f.cache_->Invalidate(early.reference(), 1).ok());
    f.cache_->Put(early.reference(), 0, v1::TrackingCacheEntry().SerializeAsString());
    CHECK(!f.cache_->Get(early.reference()).has_value());
  }
  SECTION("the order's event invalidates the entry; an older read cannot come back") {
    REQUIRE(f.Pay(o).ok());
    // Still the cached answer until the event arrives (the consumer's work, done here by hand).
    CHECK(f.desk_->TrackOrder(anonymous, track)->state() == v1::PLACED);
    v1::TrackingCacheEntry stale;
    stale.mutable_tracking()->set_state(v1::PLACED);
    // The consumer's work, done here with the event the payment wrote in the outbox.
    const events::v1::Event paid = f.LastEvent(o);
    CHECK(paid.type() == "zp.watiqa.v1.OrderStateChanged");
    REQUIRE(f.cache_->Apply(paid).ok());
    f.cache_->Put(o.reference(), 1, stale.SerializeAsString());  // a slow reader of version 1
    auto fresh = f.desk_->TrackOrder(anonymous, track);
    REQUIRE(fresh.ok());
    CHECK(fresh->state() == v1::PAID);
    CHECK(fresh->history_size() == 2);
    CHECK(fresh->DebugString().find("TGR-") == std::string::npos);  // no payment reference
    CHECK(f.desk_->TrackOrder(anonymous, track)->state() == v1::PAID);
  }
}

TEST_CASE("watiqa: tracking still answers with Redis away", "[integration][watiqa]") {
  WatiqaFixture f;
  const sgec::v1::Act act = f.Person(55);
  v1::Order o = f.Place(f.Citizen(act.idcs()), f.OrderOf(act.idcs()));
  redis::Options away = testing::RedisOptions();
  away.port = testing::FreePort();  // nothing listens there
  away.connect_timeout = absl::Milliseconds(100);
  redis::Pool pool(away);
  TrackingCache cache(&pool, absl::Minutes(10));
  auto tariff = Tariff::Parse(kDefaultTariff);
  REQUIRE(tariff.ok());
  Desk desk(*f.store_, territory::Referential::LoadEmbedded().value(), f.clock_, *f.registry_,
            cache, DeskOptions{*tariff});
  v1::TrackOrderRequest track;
  track.set_reference(o.reference());
  track.set_last_name(act.current_birth().child().family_name().fr());
  for (int i = 0; i < 3; ++i) {
    auto t = desk.TrackOrder(Caller{}, track);
    INFO(t.status().ToString());
    REQUIRE(t.ok());
    CHECK(t->state() == v1::PLACED);
  }
  CHECK(cache.stats().errors >= 3);
  CHECK(cache.stats().hits == 0);
}

TEST_CASE("watiqa: staff see their bureaus' orders, statistics per commune",
          "[integration][watiqa]") {
  WatiqaFixture f;
  const sgec::v1::Act a1 = f.Person(60, kAssilah);
  const sgec::v1::Act a2 = f.Person(61, kCasablanca);
  const Caller c1 = f.Citizen(a1.idcs());
  const Caller c2 = f.Citizen(a2.idcs());
  v1::Order o1 = f.Place(c1, f.OrderOf(a1.idcs()));
  v1::Order o2 = f.Place(c2, f.OrderOf(a2.idcs()));
  v1::Order o3 = f.Place(c1, f.OrderOf(a1.idcs()));
  // o1: paid, issued, dispatched 24 h after payment, delivered 72 h after payment.
  REQUIRE(f.Pay(o1).ok());
  const absl::Time paid = f.clock_.Now();
  REQUIRE(f.issuer_->RunOnce()->issued == 1);
  v1::RegisterShipmentRequest ship;
  ship.set_order_reference(o1.reference());
  ship.set_tracking_number(S10(200));
  REQUIRE(f.desk_->RegisterShipment(f.Partner("barid"), ship).ok());
  f.clock_.Advance(absl::Hours(80));
  REQUIRE(f.Deliver(S10(200), v1::EVENT_COLLECTED, paid + absl::Hours(24)).ok());
  REQUIRE(f.Deliver(S10(200), v1::EVENT_DELIVERED, paid + absl::Hours(72)).ok());

  const Caller agent = f.User({"civil_agent"}, {kAssilah});
  auto list = f.desk_->ListOrders(agent, {});
  REQUIRE(list.ok());
  CHECK(list->orders_size() == 2);
  for (const auto& o : list->orders()) CHECK(o.commune_code() == kAssilah);
  v1::GetOrderRequest get;
  get.set_reference(o2.reference());
  CHECK(f.desk_->GetOrder(agent, get).status().code() == absl::StatusCode::kNotFound);
  CHECK(f.desk_->GetOrder(f.User({"dgct"}, {"MA"}), get).ok());  // national staff read everywhere
  CHECK(f.desk_->GetOrder(c1, get).status().code() == absl::StatusCode::kNotFound);
  auto mine = f.desk_->ListOrders(c1, {});
  REQUIRE(mine.ok());
  REQUIRE(mine->orders_size() == 2);
  CHECK(mine->orders(0).reference() == o3.reference());  // newest first
  CHECK(mine->orders(1).reference() == o1.reference());
  // By the day placed (Morocco's): the orders were placed on June 15, none on June 16.
  v1::ListOrdersRequest days;
  *days.mutable_from() = core::ToDate(absl::CivilDay(2026, 6, 15));
  *days.mutable_to() = core::ToDate(absl::CivilDay(2026, 6, 15));
  CHECK(f.desk_->ListOrders(c1, days)->orders_size() == 2);
  *days.mutable_from() = core::ToDate(absl::CivilDay(2026, 6, 16));
  *days.mutable_to() = core::ToDate(absl::CivilDay(2026, 6, 16));
  CHECK(f.desk_->ListOrders(c1, days)->orders_size() == 0);
  v1::ListOrdersRequest paged;
  paged.set_page_size(1);
  auto page1 = f.desk_->ListOrders(c1, paged);
  REQUIRE(page1.ok());
  paged.set_page_token(page1->next_page_token());
  auto page2 = f.desk_->ListOrders(c1, paged);
  REQUIRE(page2.ok());
  REQUIRE(page2->orders_size() == 1);
  CHECK(page2->orders(0).reference() != page1->orders(0).reference());
  CHECK(page2->next_page_token().empty());

  v1::OrderStatsRequest stats;
  stats.set_territory("MA");
  auto national = f.desk_->OrderStats(f.User({"dgct"}, {"MA"}), stats);
  INFO(national.status().ToString());
  REQUIRE(national.ok());
  CHECK(national->total().orders() == 3);
  CHECK(national->communes_size() == 2);
  CHECK(national->total().median_hours_payment_to_dispatch() == Approx(24.0));
  CHECK(national->total().median_hours_payment_to_delivery() == Approx(72.0));
  CHECK(national->total().revenue_centimes() == o1.fee().centimes());
  int64_t placed = 0;
  for (const auto& sc : national->total().counts()) {
    if (sc.state() == v1::PLACED) placed = sc.count();
  }
  CHECK(placed == 2);
  (void)o3;
  auto province = f.desk_->OrderStats(f.User({"governor"}, {"01.511"}), {});
  REQUIRE(province.ok());
  CHECK(province->territory() == "01.511");
  CHECK(province->total().orders() == 2);
  REQUIRE(province->communes_size() == 1);
  CHECK(province->communes(0).commune_code() == kAssilah);
  stats.set_territory(kCasablanca);
  CHECK(f.desk_->OrderStats(f.User({"governor"}, {"01.511"}), stats).status().code() ==
        absl::StatusCode::kNotFound);
  CHECK(f.desk_->OrderStats(c1, {}).status().code() == absl::StatusCode::kPermissionDenied);
}

}  // namespace
}  // namespace zp::watiqa
