#pragma once

// What WATIQA keeps, behind an interface: PgOrderStore (pg_order_store.h) in the service and its
// integration tests, FakeOrderStore (tests/support) in the unit tests of the desk's rules and the
// issuance saga. An order is the zp.watiqa.v1.Order with its history, and the bookkeeping beside
// it (StoredOrder); payments, refunds and Barid's delivery events are kept with it.
//
// A change happens inside a unit of work (OrderTx): Idempotent() for the calls that carry a
// request_id (zp/service/store.h), Unit() for the partners' calls (idempotent by their own
// references) and the saga. In it the order is locked, changed and its change recorded (event
// and audit row), all or nothing. Every change of an order goes through OrderTx's Insert, Move or
// Change: new version, history line for a new state, the row, one event and one audit row.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "google/protobuf/message.h"
#include "services/watiqa/src/rules.h"
#include "zp/auth/territory_scope.h"
#include "zp/core/dates.h"
#include "zp/service/record.h"
#include "zp/service/store.h"
#include "zp/watiqa/v1/events.pb.h"
#include "zp/watiqa/v1/watiqa.pb.h"

namespace zp::watiqa {

inline constexpr char kSource[] = "watiqa";

// Who makes a change: a user, a partner ("partner:tgr") or the service itself ("system:issuer").
struct Actor {
  std::string subject;
  std::string role;
  std::string request_id;
  std::string traceparent;
};

struct StoredOrder {
  std::string id;
  v1::Order doc;
  int version = 0;
  std::string territory;
  std::string ordered_by;
  std::vector<std::string> family_name_keys;
  std::optional<absl::Time> paid_at, issued_at, dispatched_at, delivered_at, returned_at;
  std::vector<std::string> issue_request_ids;
  int issue_attempts = 0;
  std::optional<absl::Time> next_issue_at;
  std::string last_issue_error;
  // The call that moved the order to PAID (set by Move): the saga acts on its behalf.
  std::string paid_request_id;
  std::string paid_traceparent;
};

// A confirmation of payment the TGR sent: accepted, or kept and owed back.
struct Payment {
  std::string payment_reference;
  std::string order_id;
  int64_t amount_centimes = 0;
  absl::Time paid_at;
  absl::Time received_at;
  v1::PaymentConfirmation::Outcome outcome = v1::PaymentConfirmation::OUTCOME_UNSPECIFIED;
  std::string refund_reason;
};

// A payment owed back, as the TGR sees it, and its outcome (only REFUND_DUE is owed).
struct Refund {
  v1::RefundDue due;
  v1::PaymentConfirmation::Outcome outcome = v1::PaymentConfirmation::OUTCOME_UNSPECIFIED;
};

struct OrderFilter {
  std::string ordered_by;  // "" = any
  auth::TerritoryScope scope = auth::TerritoryScope::National();
  v1::OrderState state = v1::ORDER_STATE_UNSPECIFIED;
  std::string commune_code;  // "" = any
  // Placed in [placed_from, placed_before) when set.
  std::optional<absl::Time> placed_from, placed_before;
  std::optional<std::string> before_id;  // the page's cursor: ids below it (newest first)
  int limit = 20;
};

// The figures of the orders placed in a period within a scope: the total, and one entry per
// territory (by code), each with its orders, counts by state, median delays and revenue.
struct OrderFigures {
  v1::CommuneStats total;
  std::vector<v1::CommuneStats> communes;
};

// One unit of work.
class OrderTx {
 public:
  virtual ~OrderTx() = default;

  // The order, locked until the unit ends; nullopt when there is none.
  virtual absl::StatusOr<std::optional<StoredOrder>> Lock(const std::string& reference) = 0;
  virtual absl::StatusOr<std::optional<StoredOrder>> LockByTracking(
      const std::string& tracking_number) = 0;

  // The changes of an order, the same for every store. Insert: a new order, PLACED (version 1).
  absl::Status Insert(const Actor& actor, StoredOrder& o);
  // Moves the order to `to` at `at` (history line with `note`), saves it, emits
  // OrderStateChanged and audits `action`.
  absl::Status Move(const Actor& actor, const std::string& action, StoredOrder& o,
                    v1::OrderState to, absl::Time at, const std::string& note);
  // Saves a change that is not a move (tracking number, refund flag), emits `event` (its
  // `version` field set here) and audits `action`.
  absl::Status Change(const Actor& actor, const std::string& action, StoredOrder& o,
                      google::protobuf::Message& event);
  // Saves the row alone (saga bookkeeping: attempts, next attempt, last error).
  virtual absl::Status Save(const StoredOrder& o) = 0;

  // Payments. The confirmation kept under `payment_reference`, if any.
  virtual absl::StatusOr<std::optional<Payment>> PaymentOf(
      const std::string& payment_reference) = 0;
  virtual absl::Status AddPayment(const Payment& payment) = 0;
  // An accepted payment whose order cannot be issued: owed back, for `reason`.
  virtual absl::Status OweBack(const std::string& payment_reference, const std::string& reason) = 0;
  // The payment and its refund, locked; nullopt when no payment has that reference.
  virtual absl::StatusOr<std::optional<Refund>> LockRefund(
      const std::string& payment_reference) = 0;
  virtual absl::Status AcknowledgeRefund(const std::string& payment_reference,
                                         const std::string& refund_reference,
                                         absl::Time refunded_at) = 0;
  // Whether a payment of the order is still owed back.
  virtual absl::StatusOr<bool> RefundStillDue(const std::string& order_id) = 0;

  // Delivery. Whether an order ships under `tracking_number`.
  virtual absl::StatusOr<bool> TrackingTaken(const std::string& tracking_number) = 0;
  // Keeps one of Barid's events; false when it was known (same number, kind and time).
  virtual absl::StatusOr<bool> AddDeliveryEvent(const std::string& tracking_number,
                                                const DeliveryEvent& event,
                                                absl::Time received_at) = 0;
  virtual absl::StatusOr<std::vector<DeliveryEvent>> DeliveryEvents(
      const std::string& tracking_number) = 0;

 protected:
  virtual absl::Status InsertRow(const StoredOrder& o) = 0;
  // The change's event and audit row (service::Recorder in PostgreSQL).
  virtual absl::Status Record(const service::Change& change) = 0;

 private:
  absl::Status RecordOf(const Actor& actor, const std::string& action, const StoredOrder& o,
                        const google::protobuf::Message& event);
};

class OrderStore {
 public:
  virtual ~OrderStore() = default;
  // Runs `work` as one unit; its response (serialised) is stored with the change. A repeated
  // request_id with the same request answers the stored response without running `work`; with
  // another request, ALREADY_EXISTS. A failed `work` leaves nothing.
  virtual absl::StatusOr<std::string> Idempotent(
      const service::IdempotentCall& call,
      const std::function<absl::StatusOr<std::string>(OrderTx&)>& work) = 0;
  // Runs `work` as one unit, all or nothing (it may run again after a serialisation failure).
  virtual absl::Status Unit(const std::function<absl::Status(OrderTx&)>& work) = 0;

  virtual absl::StatusOr<std::optional<StoredOrder>> ByReference(const std::string& reference) = 0;
  // At most filter.limit + 1 orders (the extra one says a next page exists), newest first (by id,
  // descending: ids are UUIDv7).
  virtual absl::StatusOr<std::vector<StoredOrder>> List(const OrderFilter& filter) = 0;
  // ISSUED orders without a tracking number, by id, at most `limit`.
  virtual absl::StatusOr<std::vector<StoredOrder>> ToCollect(
      const std::optional<std::string>& after_id, int limit) = 0;
  // Refunds due and not yet acknowledged, by payment reference, at most `limit`.
  virtual absl::StatusOr<std::vector<v1::RefundDue>> RefundsDue(const std::string& after,
                                                                int limit) = 0;
  // The saga's claim: up to `batch` PAID orders whose attempt is due at `now`, left alone by
  // other replicas until `lease_until`. Their references.
  virtual absl::StatusOr<std::vector<std::string>> ClaimDue(absl::Time now, absl::Time lease_until,
                                                            int batch) = 0;
  // The orders placed in [from, to) within `scope`.
  virtual absl::StatusOr<OrderFigures> Figures(const auth::TerritoryScope& scope, absl::Time from,
                                               absl::Time to) = 0;
};

// google.protobuf.Timestamp <-> absl::Time (zp/core/dates.h).
using core::ToTime;
using core::ToTimestamp;

}  // namespace zp::watiqa
