// WATIQA's rules on the fake store, no server: every step of an order and who may take it, the
// partners' calls and their repetitions, the issuance saga, territory, idempotency, and the
// event each change records.
#include <catch2/catch.hpp>

#include "absl/strings/match.h"
#include "services/watiqa/src/desk.h"
#include "services/watiqa/src/issuer.h"
#include "tests/support/callers.h"
#include "tests/support/fake_order_store.h"
#include "tests/support/watiqa_requests.h"
#include "zp/core/status.h"
#include "zp/core/uuid.h"

namespace zp::watiqa {
namespace {

constexpr char kAssilah[] = "01.511.01.01";    // commune, province 01.511
constexpr char kTanger[] = "01.511.01.0";      // commune, same province
constexpr char kCasablanca[] = "06.141.01.0";  // another region
constexpr char kTracking[] = "RR123456785MA";

using testing::PartnerCaller;
using testing::UserCaller;

const Caller kCitizen = UserCaller("citizen-1", {"citizen"});
const Caller kOtherCitizen = UserCaller("citizen-2", {"citizen"});
const Caller kCivilAgent = UserCaller("civil-agent-assilah", {"civil_agent"}, {kAssilah});
const Caller kAgentTanger = UserCaller("agent-tanger", {"agent"}, {kTanger});
const Caller kGovernor = UserCaller("governor-tanger", {"governor"}, {"01.511"});
const Caller kCasaAgent = UserCaller("agent-casa", {"agent"}, {kCasablanca});

std::string Reason(const absl::Status& s) { return core::ReasonOf(s).value_or(""); }
std::string Field(const absl::Status& s) {
  auto v = core::FieldViolationsOf(s);
  return v.empty() ? "" : v.front().field;
}

// SGEC as WATIQA sees it: one act in Assilah that citizen-1 and Assilah's staff may order, and
// issuance that succeeds, fails for now, or refuses for good.
class FakeRegistry final : public CivilRegistry {
 public:
  enum class Issuance { kIssue, kUnavailable, kRefuse };

  absl::StatusOr<sgec::v1::CopyEntitlement> CheckEntitlement(
      const std::string& bearer_token, const sgec::v1::CheckCopyEntitlementRequest&,
      const std::string&, absl::Time) override {
    ++checks;
    if (bearer_token != kCitizen.bearer_token && bearer_token != kCivilAgent.bearer_token) {
      return absl::NotFoundError("act not found");
    }
    sgec::v1::CopyEntitlement e;
    e.set_act_id("0190a000-0000-7000-8000-000000000001");
    e.set_act_reference("N-01.511.01.01-2026-000001");
    e.set_bureau_code("BEC-01.511.01.01");
    e.set_commune_code(kAssilah);
    e.set_territory(kAssilah);
    e.mutable_subject_name()->mutable_family_name()->set_fr("Alaoui");
    e.mutable_subject_name()->mutable_family_name()->set_ar("العلوي");
    return e;
  }
  absl::StatusOr<documents::v1::Document> IssueCopy(const sgec::v1::IssueCopyRequest& r,
                                                    absl::Time) override {
    asked.push_back(r.request_id());
    if (issuance == Issuance::kUnavailable) return absl::UnavailableError("SGEC is away");
    if (issuance == Issuance::kRefuse) return absl::NotFoundError("act not found");
    documents::v1::Document d;
    d.set_id("doc-" + r.request_id());
    return d;
  }

  Issuance issuance = Issuance::kIssue;
  int checks = 0;
  std::vector<std::string> asked;  // request ids of IssueCopy, in order
};

struct DeskFixture {
  testing::FakeOrderStore store;
  FakeRegistry registry;
  TrackingCache cache{nullptr, absl::Minutes(10)};
  core::ManualClock clock{
      absl::FromCivil(absl::CivilSecond(2026, 6, 15, 10, 0, 0), absl::UTCTimeZone())};
  int paid_calls = 0;
  Desk desk{store,
            territory::Referential::LoadEmbedded().value(),
            clock,
            registry,
            cache,
            {Tariff::Parse(kDefaultTariff).value()},
            [this] { ++paid_calls; }};
  Issuer issuer{store, registry, clock};

  static v1::PlaceOrderRequest Request(int copies = 1) {
    return testing::OrderRequest("1234567890", copies);
  }
  v1::Order Placed(const Caller& who = kCitizen, int copies = 1) {
    auto o = desk.PlaceOrder(who, Request(copies));
    INFO(o.status().ToString());
    REQUIRE(o.ok());
    return *o;
  }
  v1::Order Stored(const v1::Order& o) { return store.ByReference(o.reference()).value()->doc; }
  absl::StatusOr<v1::PaymentConfirmation> Pay(const v1::Order& o, const std::string& ref = "TGR-1",
                                              int64_t amount = -1) {
    v1::ConfirmPaymentRequest r;
    r.set_order_reference(o.reference());
    r.mutable_amount()->set_centimes(amount < 0 ? o.fee().centimes() : amount);
    r.set_payment_reference(ref);
    *r.mutable_paid_at() = ToTimestamp(clock.Now());
    return desk.ConfirmPayment(PartnerCaller("tgr"), r);
  }
  absl::StatusOr<v1::Order> Cancel(const Caller& who, const v1::Order& o) {
    v1::CancelOrderRequest r;
    r.set_request_id(core::NewUuidV7());
    r.set_reference(o.reference());
    r.set_reason("plus nécessaire");
    return desk.CancelOrder(who, r);
  }
  absl::StatusOr<v1::Order> Get(const Caller& who, const v1::Order& o) {
    v1::GetOrderRequest r;
    r.set_reference(o.reference());
    return desk.GetOrder(who, r);
  }
  absl::StatusOr<v1::Shipment> Ship(const v1::Order& o, const std::string& tracking = kTracking) {
    v1::RegisterShipmentRequest r;
    r.set_order_reference(o.reference());
    r.set_tracking_number(tracking);
    return desk.RegisterShipment(PartnerCaller("barid"), r);
  }
  absl::StatusOr<v1::DeliveryEventAck> Report(v1::DeliveryEventKind kind, absl::Time at,
                                              const std::string& reason = "") {
    v1::ReportDeliveryEventRequest r;
    r.set_tracking_number(kTracking);
    r.set_event(kind);
    *r.mutable_time() = ToTimestamp(at);
    r.set_location("Tanger CTC");
    r.set_reason(reason);
    return desk.ReportDeliveryEvent(PartnerCaller("barid"), r);
  }
  v1::Order Issued() {
    v1::Order o = Placed();
    REQUIRE(Pay(o, absl::StrCat("TGR-ISSUED-", store.state().orders.size())).ok());
    REQUIRE(issuer.RunOnce().ok());
    REQUIRE(Stored(o).state() == v1::ISSUED);
    return Stored(o);
  }
  // The order's moves, as its events say ("PLACED>PAID").
  std::vector<std::string> Moves(const v1::Order& o) {
    std::vector<std::string> out;
    for (const auto& e : store.EventsOf<v1::OrderStateChanged>(o.reference())) {
      out.push_back(absl::StrCat(v1::OrderState_Name(e.from()), ">", v1::OrderState_Name(e.to())));
    }
    return out;
  }
};

TEST_CASE_METHOD(DeskFixture, "an order is placed once, for what SGEC says the caller may order",
                 "[watiqa][desk]") {
  v1::PlaceOrderRequest r = Request(2);
  auto o = desk.PlaceOrder(kCitizen, r);
  REQUIRE(o.ok());
  CHECK(o->state() == v1::PLACED);
  CHECK(o->commune_code() == kAssilah);
  CHECK(o->ordered_by() == "citizen-1");
  CHECK(o->fee().centimes() == 2 * Tariff::Parse(kDefaultTariff)->PerCopy(r.kind(), v1::MOROCCO));
  CHECK(Moves(*o) == std::vector<std::string>{"ORDER_STATE_UNSPECIFIED>PLACED"});
  REQUIRE(store.state().changes.size() == 1);
  CHECK(store.state().changes[0].action == "PlaceOrder");
  CHECK(store.state().changes[0].role == "citizen");
  CHECK(store.state().changes[0].territory == kAssilah);

  // The same request again: the same order, nothing new. The same id for another: refused.
  auto again = desk.PlaceOrder(kCitizen, r);
  REQUIRE(again.ok());
  CHECK(again->reference() == o->reference());
  CHECK(store.state().orders.size() == 1);
  v1::PlaceOrderRequest other = r;
  other.set_copies(3);
  CHECK(desk.PlaceOrder(kCitizen, other).status().code() == absl::StatusCode::kAlreadyExists);

  // What SGEC refuses is not ordered; nor by an anonymous caller or a role that does not order.
  CHECK(desk.PlaceOrder(kOtherCitizen, Request()).status().code() == absl::StatusCode::kNotFound);
  CHECK(desk.PlaceOrder(Caller::Anonymous(), Request()).status().code() ==
        absl::StatusCode::kUnauthenticated);
  CHECK(desk.PlaceOrder(kAgentTanger, Request()).status().code() ==
        absl::StatusCode::kPermissionDenied);
  // Invalid requests never reach SGEC.
  const int checks_before = registry.checks;
  v1::PlaceOrderRequest bad = Request();
  bad.set_copies(0);
  absl::Status s = desk.PlaceOrder(kCitizen, bad).status();
  CHECK(s.code() == absl::StatusCode::kInvalidArgument);
  CHECK(Field(s) == "copies");
  CHECK(registry.checks == checks_before);
  CHECK(store.state().orders.size() == 1);
}

TEST_CASE_METHOD(DeskFixture, "an order goes from placement to delivery, one event per step",
                 "[watiqa][desk]") {
  v1::Order o = Placed();
  v1::StartPaymentRequest start;
  start.set_request_id(core::NewUuidV7());
  start.set_reference(o.reference());
  auto instructions = desk.StartPayment(kCitizen, start);
  REQUIRE(instructions.ok());
  CHECK(instructions->state() == v1::PAYMENT_PENDING);
  CHECK(absl::StrContains(instructions->payment_url(), o.reference()));
  // Only the orderer pays.
  start.set_request_id(core::NewUuidV7());
  CHECK(desk.StartPayment(kOtherCitizen, start).status().code() == absl::StatusCode::kNotFound);

  clock.Advance(absl::Minutes(3));
  auto paid = Pay(o);
  REQUIRE(paid.ok());
  CHECK(paid->outcome() == v1::PaymentConfirmation::ACCEPTED);
  CHECK(paid->order_state() == v1::PAID);
  CHECK(paid_calls == 1);
  // The same confirmation again answers the same, and changes nothing.
  const size_t changes = store.state().changes.size();
  auto repeated = Pay(o);
  REQUIRE(repeated.ok());
  CHECK(repeated->outcome() == v1::PaymentConfirmation::ACCEPTED);
  CHECK(store.state().changes.size() == changes);

  auto pass = issuer.RunOnce();
  REQUIRE(pass.ok());
  CHECK(pass->issued == 1);
  v1::Order issued = Stored(o);
  CHECK(issued.state() == v1::ISSUED);
  CHECK(issued.document_ids_size() == 1);
  // The saga's change carries the call that paid.
  CHECK(store.state().changes.back().actor == "system:issuer");
  CHECK(store.state().changes.back().request_id ==
        store.state().changes[store.state().changes.size() - 2].request_id);

  auto to_collect = desk.ListShipmentsToCollect(PartnerCaller("barid"), {});
  REQUIRE(to_collect.ok());
  REQUIRE(to_collect->shipments_size() == 1);
  CHECK(to_collect->shipments(0).order_reference() == o.reference());
  REQUIRE(Ship(issued).ok());
  CHECK(Ship(issued).ok());  // again: the same answer
  CHECK(desk.ListShipmentsToCollect(PartnerCaller("barid"), {})->shipments_size() == 0);

  const absl::Time t = clock.Now();
  clock.Advance(absl::Hours(30));
  REQUIRE(Report(v1::EVENT_COLLECTED, t + absl::Hours(1)).ok());
  CHECK(Stored(o).state() == v1::DISPATCHED);
  auto delivered = Report(v1::EVENT_DELIVERED, t + absl::Hours(26));
  REQUIRE(delivered.ok());
  CHECK(delivered->order_state() == v1::DELIVERED);
  auto twice = Report(v1::EVENT_DELIVERED, t + absl::Hours(26));
  REQUIRE(twice.ok());
  CHECK(twice->duplicate());

  CHECK(Moves(o) == std::vector<std::string>{"ORDER_STATE_UNSPECIFIED>PLACED",
                                             "PLACED>PAYMENT_PENDING", "PAYMENT_PENDING>PAID",
                                             "PAID>ISSUED", "ISSUED>DISPATCHED",
                                             "DISPATCHED>DELIVERED"});
  // Every event carries the order's next version: 1, 2, 3 ... (the tracking cache's clock).
  std::vector<int> versions;
  for (const auto& e : store.EventsOf<v1::OrderStateChanged>(o.reference())) {
    versions.push_back(e.version());
  }
  CHECK(versions == std::vector<int>{1, 2, 3, 4, 6, 7});  // 5: ShipmentRegistered
  CHECK(store.EventsOf<v1::ShipmentRegistered>(o.reference()).size() == 1);
  CHECK(store.ByReference(o.reference()).value()->version == 7);
}

TEST_CASE_METHOD(DeskFixture, "the TGR's payment is checked against the order, and kept once",
                 "[watiqa][desk][partners]") {
  v1::Order o = Placed();
  absl::Status s = Pay(o, "TGR-1", o.fee().centimes() + 100).status();
  CHECK(s.code() == absl::StatusCode::kFailedPrecondition);
  CHECK(Reason(s) == reasons::kAmountMismatch);
  CHECK(store.state().payments.empty());
  CHECK(Stored(o).state() == v1::PLACED);

  // Only the TGR confirms payments.
  v1::ConfirmPaymentRequest r;
  r.set_order_reference(o.reference());
  r.mutable_amount()->set_centimes(o.fee().centimes());
  r.set_payment_reference("TGR-2");
  *r.mutable_paid_at() = ToTimestamp(clock.Now());
  s = desk.ConfirmPayment(PartnerCaller("barid"), r).status();
  CHECK(s.code() == absl::StatusCode::kPermissionDenied);
  CHECK(Reason(s) == reasons::kWrongPartner);
  CHECK(desk.ConfirmPayment(kCitizen, r).status().code() == absl::StatusCode::kPermissionDenied);

  // Times: not in the future, not before the order was placed.
  *r.mutable_paid_at() = ToTimestamp(clock.Now() + absl::Hours(1));
  s = desk.ConfirmPayment(PartnerCaller("tgr"), r).status();
  CHECK(Reason(s) == reasons::kTimeInFuture);
  CHECK(Field(s) == "paid_at");
  *r.mutable_paid_at() = ToTimestamp(clock.Now() - absl::Hours(1));
  s = desk.ConfirmPayment(PartnerCaller("tgr"), r).status();
  CHECK(Reason(s) == reasons::kTimeBeforePreviousStep);
  CHECK(store.state().payments.empty());

  REQUIRE(Pay(o, "TGR-3").ok());
  // A payment reference confirms one payment only.
  v1::Order second = Placed();
  s = Pay(second, "TGR-3").status();
  CHECK(s.code() == absl::StatusCode::kAlreadyExists);
  CHECK(Reason(s) == reasons::kPaymentReferenceReused);
  CHECK(Stored(second).state() == v1::PLACED);
}

TEST_CASE_METHOD(DeskFixture,
                 "money for a cancelled order is kept, owed back, and acknowledged once",
                 "[watiqa][desk][partners]") {
  v1::Order o = Placed();
  auto cancelled = Cancel(kCitizen, o);
  REQUIRE(cancelled.ok());
  CHECK(cancelled->state() == v1::CANCELLED);
  CHECK(Cancel(kCitizen, o).status().code() == absl::StatusCode::kFailedPrecondition);

  auto paid = Pay(o, "TGR-9");
  REQUIRE(paid.ok());
  CHECK(paid->outcome() == v1::PaymentConfirmation::REFUND_DUE);
  CHECK(paid_calls == 0);
  CHECK(Stored(o).refund_due());
  REQUIRE(store.EventsOf<v1::RefundFlagged>(o.reference()).size() == 1);

  auto due = desk.ListRefundsDue(PartnerCaller("tgr"), {});
  REQUIRE(due.ok());
  REQUIRE(due->refunds_size() == 1);
  CHECK(due->refunds(0).order_reference() == o.reference());
  CHECK(due->refunds(0).amount().centimes() == o.fee().centimes());

  v1::AcknowledgeRefundRequest ack;
  ack.set_payment_reference("TGR-9");
  ack.set_refund_reference("RMB-1");
  *ack.mutable_refunded_at() = ToTimestamp(clock.Now());
  auto acked = desk.AcknowledgeRefund(PartnerCaller("tgr"), ack);
  REQUIRE(acked.ok());
  CHECK(acked->refund_reference() == "RMB-1");
  CHECK_FALSE(Stored(o).refund_due());
  CHECK(desk.ListRefundsDue(PartnerCaller("tgr"), {})->refunds_size() == 0);
  CHECK(desk.AcknowledgeRefund(PartnerCaller("tgr"), ack).ok());  // again: the same answer
  CHECK(store.EventsOf<v1::RefundPaid>(o.reference()).size() == 1);
  ack.set_refund_reference("RMB-2");
  absl::Status s = desk.AcknowledgeRefund(PartnerCaller("tgr"), ack).status();
  CHECK(Reason(s) == reasons::kRefundAlreadyAcknowledged);

  // An accepted payment is not owed back.
  v1::Order kept = Placed();
  REQUIRE(Pay(kept, "TGR-10").ok());
  ack.set_payment_reference("TGR-10");
  s = desk.AcknowledgeRefund(PartnerCaller("tgr"), ack).status();
  CHECK(Reason(s) == reasons::kNoRefundDue);
}

TEST_CASE_METHOD(DeskFixture,
                 "the saga retries SGEC under the same request ids, and refunds what "
                 "can never be issued",
                 "[watiqa][issuer]") {
  v1::Order o = Placed(kCitizen, 2);
  REQUIRE(Pay(o).ok());
  registry.issuance = FakeRegistry::Issuance::kUnavailable;
  auto pass = issuer.RunOnce();
  REQUIRE(pass.ok());
  CHECK(pass->retried == 1);
  StoredOrder waiting = *store.ByReference(o.reference()).value();
  CHECK(waiting.doc.state() == v1::PAID);
  CHECK(waiting.issue_attempts == 1);
  CHECK(*waiting.next_issue_at == clock.Now() + absl::Seconds(1));
  // Not due yet: left alone.
  CHECK(issuer.RunOnce()->retried == 0);

  registry.issuance = FakeRegistry::Issuance::kIssue;
  clock.Advance(absl::Seconds(2));
  CHECK(issuer.RunOnce()->issued == 1);
  // Both copies asked under the ids fixed at payment, the first one twice.
  REQUIRE(registry.asked.size() == 3);
  CHECK(registry.asked[0] == waiting.issue_request_ids[0]);
  CHECK(registry.asked[1] == waiting.issue_request_ids[0]);
  CHECK(registry.asked[2] == waiting.issue_request_ids[1]);
  CHECK(Stored(o).document_ids_size() == 2);

  v1::Order refused = Placed();
  REQUIRE(Pay(refused, "TGR-2").ok());
  registry.issuance = FakeRegistry::Issuance::kRefuse;
  CHECK(issuer.RunOnce()->refunded == 1);
  CHECK(Stored(refused).state() == v1::REFUNDED);
  CHECK(Stored(refused).refund_due());
  CHECK(store.state().payments.at("TGR-2").outcome == v1::PaymentConfirmation::REFUND_DUE);
  auto due = desk.ListRefundsDue(PartnerCaller("tgr"), {});
  REQUIRE(due->refunds_size() == 1);
  CHECK(due->refunds(0).order_reference() == refused.reference());
}

TEST_CASE_METHOD(DeskFixture, "orders are seen by their orderer and the staff of their territory",
                 "[watiqa][desk][territory]") {
  v1::Order mine = Placed();
  v1::Order by_staff = Placed(kCivilAgent);
  CHECK(Get(kCitizen, mine).ok());
  CHECK(Get(kCivilAgent, mine).ok());
  CHECK(Get(kGovernor, mine).ok());  // the province holds the commune
  CHECK(Get(kOtherCitizen, mine).status().code() == absl::StatusCode::kNotFound);
  CHECK(Get(kAgentTanger, mine).status().code() == absl::StatusCode::kNotFound);
  CHECK(Get(kCasaAgent, mine).status().code() == absl::StatusCode::kNotFound);
  CHECK(Get(Caller::Anonymous(), mine).status().code() == absl::StatusCode::kUnauthenticated);

  auto own = desk.ListOrders(kCitizen, {});
  REQUIRE(own.ok());
  REQUIRE(own->orders_size() == 1);
  CHECK(own->orders(0).reference() == mine.reference());
  CHECK(desk.ListOrders(kGovernor, {})->orders_size() == 2);
  CHECK(desk.ListOrders(kCasaAgent, {})->orders_size() == 0);
  v1::ListOrdersRequest outside;
  outside.set_commune_code(kCasablanca);
  absl::Status s = desk.ListOrders(kGovernor, outside).status();
  CHECK(s.code() == absl::StatusCode::kInvalidArgument);
  CHECK(Field(s) == "commune_code");
  // Pages: one order each, the second page after the first.
  v1::ListOrdersRequest page;
  page.set_page_size(1);
  auto first = desk.ListOrders(kGovernor, page);
  REQUIRE(first.ok());
  REQUIRE(first->orders_size() == 1);
  REQUIRE_FALSE(first->next_page_token().empty());
  page.set_page_token(first->next_page_token());
  auto second = desk.ListOrders(kGovernor, page);
  REQUIRE(second->orders_size() == 1);
  CHECK(second->orders(0).reference() != first->orders(0).reference());
  CHECK(second->next_page_token().empty());

  // Cancellation by staff: of their territory only, under their role.
  CHECK(Cancel(kAgentTanger, by_staff).status().code() == absl::StatusCode::kNotFound);
  REQUIRE(Cancel(kCivilAgent, mine).ok());
  CHECK(store.state().changes.back().role == "civil_agent");
}

TEST_CASE_METHOD(DeskFixture, "orders are listed newest first, by the days they were placed",
                 "[watiqa][desk]") {
  // Placed on June 15, 16 and 17 (10:00 UTC, 11:00 in Morocco).
  std::vector<v1::Order> placed;
  for (int i = 0; i < 3; ++i) {
    placed.push_back(Placed());
    clock.Advance(absl::Hours(24));
  }
  auto all = desk.ListOrders(kCitizen, {});
  REQUIRE(all.ok());
  REQUIRE(all->orders_size() == 3);
  CHECK(all->orders(0).reference() == placed[2].reference());
  CHECK(all->orders(2).reference() == placed[0].reference());

  // Pages keep the order.
  v1::ListOrdersRequest page;
  page.set_page_size(2);
  auto first = desk.ListOrders(kCitizen, page);
  REQUIRE(first->orders_size() == 2);
  CHECK(first->orders(1).reference() == placed[1].reference());
  page.set_page_token(first->next_page_token());
  auto rest = desk.ListOrders(kCitizen, page);
  REQUIRE(rest->orders_size() == 1);
  CHECK(rest->orders(0).reference() == placed[0].reference());

  v1::ListOrdersRequest days;
  *days.mutable_from() = core::ToDate(absl::CivilDay(2026, 6, 16));
  auto since = desk.ListOrders(kGovernor, days);
  REQUIRE(since.ok());
  REQUIRE(since->orders_size() == 2);
  CHECK(since->orders(1).reference() == placed[1].reference());
  *days.mutable_to() = core::ToDate(absl::CivilDay(2026, 6, 16));
  auto one_day = desk.ListOrders(kGovernor, days);
  REQUIRE(one_day->orders_size() == 1);
  CHECK(one_day->orders(0).reference() == placed[1].reference());

  *days.mutable_to() = core::ToDate(absl::CivilDay(2026, 6, 15));
  absl::Status s = desk.ListOrders(kGovernor, days).status();
  CHECK(s.code() == absl::StatusCode::kInvalidArgument);
  CHECK(Field(s) == "from");
  days.mutable_to()->set_month(13);
  CHECK(Field(desk.ListOrders(kGovernor, days).status()) == "to");
}

TEST_CASE_METHOD(DeskFixture, "tracking answers the family name on the act, and nothing else",
                 "[watiqa][desk]") {
  v1::Order o = Placed();
  v1::TrackOrderRequest r;
  r.set_reference(o.reference());
  r.set_last_name("ALAOUI");
  auto t = desk.TrackOrder(Caller::Anonymous(), r);
  REQUIRE(t.ok());
  CHECK(t->state() == v1::PLACED);
  r.set_last_name("العلوي");
  CHECK(desk.TrackOrder(Caller::Anonymous(), r).ok());
  r.set_last_name("Bennani");
  CHECK(desk.TrackOrder(Caller::Anonymous(), r).status().code() == absl::StatusCode::kNotFound);
  r.set_last_name("");
  CHECK(Field(desk.TrackOrder(Caller::Anonymous(), r).status()) == "last_name");
}

TEST_CASE_METHOD(DeskFixture, "statistics count the orders of the caller's territory",
                 "[watiqa][stats]") {
  v1::Order paid = Placed();
  REQUIRE(Pay(paid).ok());
  Placed();
  v1::OrderStatsRequest r;
  r.set_territory("01.511");
  auto stats = desk.OrderStats(kGovernor, r);
  REQUIRE(stats.ok());
  CHECK(stats->total().orders() == 2);
  CHECK(stats->total().commune_code() == "01.511");
  CHECK(stats->total().revenue_centimes() == paid.fee().centimes());
  REQUIRE(stats->communes_size() == 1);
  CHECK(stats->communes(0).commune_code() == kAssilah);
  CHECK(stats->communes(0).counts_size() == 2);  // PLACED and PAID

  r.set_territory(kCasablanca);
  CHECK(desk.OrderStats(kGovernor, r).status().code() == absl::StatusCode::kNotFound);
  CHECK(desk.OrderStats(kCitizen, {}).status().code() == absl::StatusCode::kPermissionDenied);
  r.set_territory("01.511");
  *r.mutable_from() = core::ToDate(absl::CivilDay(2026, 6, 20));
  *r.mutable_to() = core::ToDate(absl::CivilDay(2026, 6, 10));
  CHECK(Field(desk.OrderStats(kGovernor, r).status()) == "from");
}

TEST_CASE_METHOD(DeskFixture, "Barid's shipment and events follow the order's steps",
                 "[watiqa][desk][partners]") {
  v1::Order placed = Placed();
  absl::Status s = Ship(placed).status();
  CHECK(s.code() == absl::StatusCode::kFailedPrecondition);
  CHECK(Reason(s) == reasons::kInvalidState);
  CHECK(Field(Ship(placed, "RR123456789MA").status()) == "tracking_number");  // check digit

  v1::Order issued = Issued();
  REQUIRE(Ship(issued).ok());
  s = Ship(issued, "RR000000005MA").status();
  CHECK(Reason(s) == reasons::kTrackingNumberSet);
  v1::Order another = Issued();
  s = Ship(another).status();
  CHECK(Reason(s) == reasons::kTrackingNumberTaken);
  CHECK(Stored(another).tracking_number().empty());

  // An event before the issuance is refused; one slightly before (clocks) counts as at issuance.
  const absl::Time issued_at = *store.ByReference(issued.reference()).value()->issued_at;
  s = Report(v1::EVENT_COLLECTED, issued_at - absl::Hours(1)).status();
  CHECK(Reason(s) == reasons::kTimeBeforePreviousStep);
  clock.Advance(absl::Hours(2));
  auto late = Report(v1::EVENT_UNDELIVERABLE, issued_at + absl::Hours(1), "adresse inconnue");
  REQUIRE(late.ok());
  CHECK(late->order_state() == v1::RETURNED);
  // An earlier event that arrives later moves the dispatch time back, not the outcome.
  REQUIRE(Report(v1::EVENT_COLLECTED, issued_at - absl::Minutes(2)).ok());
  StoredOrder o = *store.ByReference(issued.reference()).value();
  CHECK(o.doc.state() == v1::RETURNED);
  CHECK(*o.dispatched_at == issued_at);
  CHECK(Field(Report(v1::EVENT_UNDELIVERABLE, issued_at).status()) == "reason");
}

}  // namespace
}  // namespace zp::watiqa
