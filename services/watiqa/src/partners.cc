// The partners' side of the desk: the TGR confirms payments, Barid Al Maghrib collects, ships and
// reports delivery. Each method is for one partner only (the one named by the client certificate).
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "services/watiqa/src/desk.h"
#include "services/watiqa/src/scope.h"
#include "zp/core/api.h"
#include "zp/core/reference.h"
#include "zp/core/status.h"
#include "zp/core/uuid.h"

namespace zp::watiqa {

namespace {

// Partner clocks may run a little ahead of ours.
constexpr absl::Duration kClockSkew = absl::Minutes(5);

absl::Status RequirePartner(const Caller& c, absl::string_view partner) {
  if (!c.partner() || c.principal.partner != partner) {
    return core::ErrorWithReason(absl::StatusCode::kPermissionDenied,
                                 absl::StrCat("this method is for the partner ", partner),
                                 reasons::kWrongPartner);
  }
  return absl::OkStatus();
}

Actor PartnerActor(const Caller& c) {
  return Actor{c.principal.subject, c.principal.partner, c.request_id, c.traceparent};
}

absl::Status NoOrder(absl::string_view what) {
  return absl::NotFoundError(absl::StrCat(what, " not found"));
}

// A partner's own reference (payment, refund): 1 to 64 letters, digits, '-', '_', '/' or '.'.
void CheckPartnerReference(core::Violations& v, const char* field, const std::string& s) {
  bool valid = !s.empty() && s.size() <= 64;
  for (char ch : s) {
    valid = valid && (absl::ascii_isalnum(ch) || ch == '-' || ch == '_' || ch == '/' || ch == '.');
  }
  if (!valid) v.Add(field, "1 to 64 letters, digits, '-', '_', '/' or '.'");
}

// A time a partner reports (payment, refund, mail event): not later than now, clocks aside.
absl::StatusOr<absl::Time> PastTime(const google::protobuf::Timestamp& t, absl::Time now,
                                    const char* field) {
  const absl::Time at = ToTime(t);
  if (at > now + kClockSkew) {
    return core::RuleError(absl::StatusCode::kInvalidArgument, reasons::kTimeInFuture, field,
                           "in the future");
  }
  return at;
}

// A time a partner reports about an order: not before the order's previous step (`since`), so
// that its history stays in order and its delays are never negative. Within the clock skew (and
// partners that send whole seconds), it counts as `since`.
absl::StatusOr<absl::Time> NotBefore(absl::Time at, absl::Time since, const char* field,
                                     absl::string_view step) {
  if (at >= since) return at;
  if (at >= since - kClockSkew) return since;
  return core::RuleError(
      absl::StatusCode::kInvalidArgument, reasons::kTimeBeforePreviousStep, field,
      absl::StrCat("before the order was ", step, " (",
                   absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", since, absl::UTCTimeZone()), ")"));
}

}  // namespace

absl::StatusOr<v1::PaymentConfirmation> Desk::ConfirmPayment(const Caller& c,
                                                             const v1::ConfirmPaymentRequest& r) {
  RETURN_IF_ERROR(RequirePartner(c, roles::kTgr));
  core::Violations v;
  absl::StatusOr<std::string> reference =
      core::HumanReference::Normalize(r.order_reference(), "order_reference");
  if (!reference.ok()) v.Add("order_reference", "an order reference such as WTQ-2026-K3M9Q2FX");
  if (r.amount().centimes() <= 0) v.Add("amount", "a positive number of centimes");
  CheckPartnerReference(v, "payment_reference", r.payment_reference());
  if (!r.has_paid_at()) v.Add("paid_at", "required");
  RETURN_IF_ERROR(v.ToStatus());
  ASSIGN_OR_RETURN(const absl::Time reported_paid_at,
                   PastTime(r.paid_at(), clock_.Now(), "paid_at"));
  v1::PaymentConfirmation out;
  out.set_order_reference(*reference);
  out.set_payment_reference(r.payment_reference());
  bool paid = false;
  RETURN_IF_ERROR(store_.Unit([&](OrderTx& tx) -> absl::Status {
    paid = false;
    ASSIGN_OR_RETURN(std::optional<StoredOrder> o, tx.Lock(*reference));
    if (!o.has_value()) return NoOrder(absl::StrCat("order ", *reference));
    ASSIGN_OR_RETURN(
        const absl::Time paid_at,
        NotBefore(reported_paid_at, ToTime(o->doc.create_time()), "paid_at", "placed"));
    // The same confirmation again: the same answer.
    ASSIGN_OR_RETURN(std::optional<Payment> known, tx.PaymentOf(r.payment_reference()));
    if (known.has_value()) {
      if (known->order_id != o->id || known->amount_centimes != r.amount().centimes()) {
        return core::ErrorWithReason(absl::StatusCode::kAlreadyExists,
                                     "this payment reference confirmed another payment",
                                     reasons::kPaymentReferenceReused);
      }
      out.set_outcome(known->outcome);
      out.set_order_state(o->doc.state());
      return absl::OkStatus();
    }
    if (r.amount().centimes() != o->doc.fee().centimes()) {
      return core::RuleError(
          absl::StatusCode::kFailedPrecondition, reasons::kAmountMismatch, "amount",
          absl::StrCat("the order's fee is ", o->doc.fee().centimes(), " centimes"),
          {{"expected_centimes", absl::StrCat(o->doc.fee().centimes())},
           {"received_centimes", absl::StrCat(r.amount().centimes())}});
    }
    const absl::Time now = clock_.Now();
    std::string refund_reason;
    if (CanMove(o->doc.state(), v1::PAID)) {
      o->doc.set_payment_reference(r.payment_reference());
      o->issue_request_ids.clear();
      for (int i = 0; i < o->doc.copies(); ++i) o->issue_request_ids.push_back(core::NewUuidV7());
      o->next_issue_at = now;
      RETURN_IF_ERROR(tx.Move(PartnerActor(c), "ConfirmPayment", *o, v1::PAID, paid_at,
                              ""));  // the payment reference stays out of public tracking
      out.set_outcome(v1::PaymentConfirmation::ACCEPTED);
      paid = true;
    } else {
      // Money for an order that cannot take it: kept, and owed back.
      refund_reason = o->doc.state() == v1::CANCELLED ? "the order was cancelled before the payment"
                                                      : "the order was already paid";
      o->doc.set_refund_due(true);
      v1::RefundFlagged flagged;
      flagged.set_reference(*reference);
      flagged.set_payment_reference(r.payment_reference());
      flagged.set_amount_centimes(r.amount().centimes());
      flagged.set_reason(refund_reason);
      RETURN_IF_ERROR(tx.Change(PartnerActor(c), "ConfirmPayment", *o, flagged));
      out.set_outcome(v1::PaymentConfirmation::REFUND_DUE);
    }
    RETURN_IF_ERROR(tx.AddPayment({r.payment_reference(), o->id, r.amount().centimes(), paid_at,
                                   now, out.outcome(), refund_reason}));
    out.set_order_state(o->doc.state());
    return absl::OkStatus();
  }));
  if (paid && paid_) paid_();
  return out;
}

absl::StatusOr<v1::ListRefundsDueResponse> Desk::ListRefundsDue(
    const Caller& c, const v1::ListRefundsDueRequest& r) {
  RETURN_IF_ERROR(RequirePartner(c, roles::kTgr));
  ASSIGN_OR_RETURN(int page_size, core::PageSize(r.page_size()));
  ASSIGN_OR_RETURN(std::string after, core::DecodePageToken(r.page_token()));
  ASSIGN_OR_RETURN(std::vector<v1::RefundDue> rows, store_.RefundsDue(after, page_size + 1));
  v1::ListRefundsDueResponse out;
  const int n = static_cast<int>(rows.size());
  for (int i = 0; i < n && i < page_size; ++i) {
    *out.add_refunds() = std::move(rows[i]);
    if (i == page_size - 1 && n > page_size) {
      out.set_next_page_token(core::EncodePageToken(out.refunds(i).payment_reference()));
    }
  }
  return out;
}

absl::StatusOr<v1::RefundDue> Desk::AcknowledgeRefund(const Caller& c,
                                                      const v1::AcknowledgeRefundRequest& r) {
  RETURN_IF_ERROR(RequirePartner(c, roles::kTgr));
  core::Violations v;
  CheckPartnerReference(v, "payment_reference", r.payment_reference());
  CheckPartnerReference(v, "refund_reference", r.refund_reference());
  if (!r.has_refunded_at()) v.Add("refunded_at", "required");
  RETURN_IF_ERROR(v.ToStatus());
  ASSIGN_OR_RETURN(const absl::Time refunded_at,
                   PastTime(r.refunded_at(), clock_.Now(), "refunded_at"));
  v1::RefundDue out;
  RETURN_IF_ERROR(store_.Unit([&](OrderTx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(std::optional<Refund> refund, tx.LockRefund(r.payment_reference()));
    if (!refund.has_value()) return NoOrder(absl::StrCat("payment ", r.payment_reference()));
    out = refund->due;
    if (refund->outcome != v1::PaymentConfirmation::REFUND_DUE) {
      return core::ErrorWithReason(absl::StatusCode::kFailedPrecondition,
                                   "no refund is due for this payment", reasons::kNoRefundDue);
    }
    if (!out.refund_reference().empty()) {
      if (out.refund_reference() == r.refund_reference()) return absl::OkStatus();  // again
      return core::ErrorWithReason(absl::StatusCode::kAlreadyExists,
                                   "this refund was acknowledged under another reference",
                                   reasons::kRefundAlreadyAcknowledged);
    }
    ASSIGN_OR_RETURN(std::optional<StoredOrder> o, tx.Lock(out.order_reference()));
    if (!o.has_value()) return absl::DataLossError("the payment's order is missing");
    RETURN_IF_ERROR(tx.AcknowledgeRefund(r.payment_reference(), r.refund_reference(), refunded_at));
    ASSIGN_OR_RETURN(bool still_due, tx.RefundStillDue(o->id));
    o->doc.set_refund_due(still_due);
    out.set_refund_reference(r.refund_reference());
    *out.mutable_refunded_at() = r.refunded_at();
    v1::RefundPaid paid;
    paid.set_reference(o->doc.reference());
    paid.set_payment_reference(r.payment_reference());
    paid.set_refund_reference(r.refund_reference());
    paid.set_amount_centimes(out.amount().centimes());
    *paid.mutable_refunded_at() = r.refunded_at();
    return tx.Change(PartnerActor(c), "AcknowledgeRefund", *o, paid);
  }));
  return out;
}

absl::StatusOr<v1::ListShipmentsToCollectResponse> Desk::ListShipmentsToCollect(
    const Caller& c, const v1::ListShipmentsToCollectRequest& r) {
  RETURN_IF_ERROR(RequirePartner(c, roles::kBarid));
  ASSIGN_OR_RETURN(int page_size, core::PageSize(r.page_size()));
  ASSIGN_OR_RETURN(std::optional<std::string> after, core::DecodeUuidPageToken(r.page_token()));
  ASSIGN_OR_RETURN(std::vector<StoredOrder> rows, store_.ToCollect(after, page_size + 1));
  v1::ListShipmentsToCollectResponse out;
  const int n = static_cast<int>(rows.size());
  for (int i = 0; i < n && i < page_size; ++i) {
    const StoredOrder& o = rows[i];
    v1::ShipmentToCollect* s = out.add_shipments();
    s->set_order_reference(o.doc.reference());
    s->set_bureau_code(o.doc.bureau_code());
    s->set_commune_code(o.doc.commune_code());
    s->set_copies(o.doc.copies());
    *s->mutable_address() = o.doc.address();
    *s->mutable_contact() = o.doc.contact();
    if (o.issued_at.has_value()) *s->mutable_issued_at() = ToTimestamp(*o.issued_at);
    if (i == page_size - 1 && n > page_size) {
      out.set_next_page_token(core::EncodePageToken(o.id));
    }
  }
  return out;
}

absl::StatusOr<v1::Shipment> Desk::RegisterShipment(const Caller& c,
                                                    const v1::RegisterShipmentRequest& r) {
  RETURN_IF_ERROR(RequirePartner(c, roles::kBarid));
  core::Violations v;
  absl::StatusOr<std::string> reference =
      core::HumanReference::Normalize(r.order_reference(), "order_reference");
  if (!reference.ok()) v.Add("order_reference", "an order reference such as WTQ-2026-K3M9Q2FX");
  if (!IsS10TrackingNumber(r.tracking_number())) {
    v.Add("tracking_number", "a UPU S10 identifier such as RR123456785MA");
  }
  RETURN_IF_ERROR(v.ToStatus());
  v1::Shipment out;
  out.set_order_reference(*reference);
  out.set_tracking_number(r.tracking_number());
  RETURN_IF_ERROR(store_.Unit([&](OrderTx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(std::optional<StoredOrder> o, tx.Lock(*reference));
    if (!o.has_value()) return NoOrder(absl::StrCat("order ", *reference));
    out.set_order_state(o->doc.state());
    if (o->doc.tracking_number() == r.tracking_number()) return absl::OkStatus();  // again
    if (!o->doc.tracking_number().empty()) {
      return core::ErrorWithReason(absl::StatusCode::kFailedPrecondition,
                                   absl::StrCat("the order ships as ", o->doc.tracking_number()),
                                   reasons::kTrackingNumberSet);
    }
    if (o->doc.state() != v1::ISSUED) {
      return core::RuleError(
          absl::StatusCode::kFailedPrecondition, reasons::kInvalidState, "",
          absl::StrCat("the order is ", v1::OrderState_Name(o->doc.state()), ", not ISSUED"),
          {{"state", v1::OrderState_Name(o->doc.state())}});
    }
    ASSIGN_OR_RETURN(bool taken, tx.TrackingTaken(r.tracking_number()));
    if (taken) {
      return core::ErrorWithReason(absl::StatusCode::kAlreadyExists,
                                   "this tracking number is another order's",
                                   reasons::kTrackingNumberTaken);
    }
    o->doc.set_tracking_number(r.tracking_number());
    v1::ShipmentRegistered registered;
    registered.set_reference(*reference);
    registered.set_tracking_number(r.tracking_number());
    return tx.Change(PartnerActor(c), "RegisterShipment", *o, registered);
  }));
  return out;
}

absl::StatusOr<v1::DeliveryEventAck> Desk::ReportDeliveryEvent(
    const Caller& c, const v1::ReportDeliveryEventRequest& r) {
  RETURN_IF_ERROR(RequirePartner(c, roles::kBarid));
  core::Violations v;
  if (!IsS10TrackingNumber(r.tracking_number())) {
    v.Add("tracking_number", "a UPU S10 identifier such as RR123456785MA");
  }
  if (!v1::DeliveryEventKind_IsValid(r.event()) ||
      r.event() == v1::DELIVERY_EVENT_KIND_UNSPECIFIED) {
    v.Add("event",
          "EVENT_COLLECTED, EVENT_IN_TRANSIT, EVENT_DELIVERY_ATTEMPTED, EVENT_DELIVERED "
          "or EVENT_UNDELIVERABLE");
  }
  if (!r.has_time()) v.Add("time", "required");
  if (r.location().size() > 200) v.Add("location", "at most 200 bytes");
  if (r.event() == v1::EVENT_UNDELIVERABLE && r.reason().empty()) {
    v.Add("reason", "required when the mail cannot be delivered");
  }
  if (r.reason().size() > 500) v.Add("reason", "at most 500 bytes");
  RETURN_IF_ERROR(v.ToStatus());
  ASSIGN_OR_RETURN(const absl::Time reported_at, PastTime(r.time(), clock_.Now(), "time"));
  v1::DeliveryEventAck out;
  RETURN_IF_ERROR(store_.Unit([&](OrderTx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(std::optional<StoredOrder> o, tx.LockByTracking(r.tracking_number()));
    if (!o.has_value()) return NoOrder(absl::StrCat("shipment ", r.tracking_number()));
    absl::Time at = reported_at;
    if (o->issued_at.has_value()) {
      ASSIGN_OR_RETURN(at, NotBefore(reported_at, *o->issued_at, "time", "issued"));
    }
    out.set_order_reference(o->doc.reference());
    ASSIGN_OR_RETURN(bool added,
                     tx.AddDeliveryEvent(r.tracking_number(),
                                         {r.event(), at, r.location(), r.reason()}, clock_.Now()));
    out.set_duplicate(!added);
    if (!out.duplicate()) {
      ASSIGN_OR_RETURN(std::vector<DeliveryEvent> events, tx.DeliveryEvents(r.tracking_number()));
      const DeliveryState now = DeliveryStateOf(events);
      const Actor actor = PartnerActor(c);
      // The mail left at its earliest event, whatever arrived first.
      absl::Time first = absl::InfiniteFuture();
      std::string where;
      for (const DeliveryEvent& e : events) {
        if (e.time < first) {
          first = e.time;
          where = e.location;
        }
      }
      if (o->doc.state() == v1::ISSUED && now.state != v1::ISSUED) {
        RETURN_IF_ERROR(tx.Move(actor, "ReportDeliveryEvent", *o, v1::DISPATCHED, first, where));
      } else if (o->dispatched_at.has_value() && first < *o->dispatched_at) {
        o->dispatched_at = first;  // an earlier event came late: the statistics follow it
        RETURN_IF_ERROR(tx.Save(*o));
      }
      const bool outcome = now.state == v1::DELIVERED || now.state == v1::RETURNED;
      if (outcome && o->doc.state() != now.state) {
        RETURN_IF_ERROR(tx.Move(actor, "ReportDeliveryEvent", *o, now.state, now.since, now.note));
      }
    }
    out.set_order_state(o->doc.state());
    return absl::OkStatus();
  }));
  return out;
}

}  // namespace zp::watiqa
