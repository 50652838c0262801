#include "services/watiqa/src/order_store.h"

#include "absl/strings/str_cat.h"
#include "zp/core/status.h"

namespace zp::watiqa {

namespace {

v1::OrderStateChanged StateChanged(const v1::Order& d, v1::OrderState to, absl::Time at) {
  v1::OrderStateChanged e;
  e.set_reference(d.reference());
  e.set_to(to);
  *e.mutable_time() = ToTimestamp(at);
  e.set_commune_code(d.commune_code());
  e.set_kind(d.kind());
  e.set_copies(d.copies());
  e.set_fee_centimes(d.fee().centimes());
  return e;
}

}  // namespace

absl::Status OrderTx::Insert(const Actor& actor, StoredOrder& o) {
  o.version = 1;
  v1::StateChange* h = o.doc.add_history();
  h->set_state(v1::PLACED);
  *h->mutable_time() = o.doc.create_time();
  o.doc.set_state(v1::PLACED);
  RETURN_IF_ERROR(InsertRow(o));
  v1::OrderStateChanged e = StateChanged(o.doc, v1::PLACED, ToTime(o.doc.create_time()));
  e.set_version(o.version);
  return RecordOf(actor, "PlaceOrder", o, e);
}

absl::Status OrderTx::Move(const Actor& actor, const std::string& action, StoredOrder& o,
                           v1::OrderState to, absl::Time at, const std::string& note) {
  const v1::OrderState from = o.doc.state();
  o.doc.set_state(to);
  v1::StateChange* h = o.doc.add_history();
  h->set_state(to);
  *h->mutable_time() = ToTimestamp(at);
  h->set_note(note);
  switch (to) {
    case v1::PAID:
      o.paid_at = at;
      o.paid_request_id = actor.request_id;
      o.paid_traceparent = actor.traceparent;
      break;
    case v1::ISSUED:
      o.issued_at = at;
      break;
    case v1::DISPATCHED:
      o.dispatched_at = at;
      break;
    case v1::DELIVERED:
      o.delivered_at = at;
      break;
    case v1::RETURNED:
      o.returned_at = at;
      break;
    default:
      break;
  }
  ++o.version;
  RETURN_IF_ERROR(Save(o));
  v1::OrderStateChanged e = StateChanged(o.doc, to, at);
  e.set_from(from);
  e.set_note(note);
  e.set_version(o.version);
  return RecordOf(actor, action, o, e);
}

absl::Status OrderTx::Change(const Actor& actor, const std::string& action, StoredOrder& o,
                             google::protobuf::Message& event) {
  // Every event of an order carries the order's version (the tracking cache's clock).
  const auto* field = event.GetDescriptor()->FindFieldByName("version");
  if (field == nullptr || field->cpp_type() != google::protobuf::FieldDescriptor::CPPTYPE_INT32) {
    return absl::InternalError(absl::StrCat(event.GetTypeName(), " has no int32 version"));
  }
  ++o.version;
  event.GetReflection()->SetInt32(&event, field, o.version);
  RETURN_IF_ERROR(Save(o));
  return RecordOf(actor, action, o, event);
}

absl::Status OrderTx::RecordOf(const Actor& actor, const std::string& action, const StoredOrder& o,
                               const google::protobuf::Message& event) {
  service::Change change;
  change.actor = actor.subject;
  change.role = actor.role;
  change.action = action;
  change.request_id = actor.request_id;
  change.traceparent = actor.traceparent;
  change.resource = absl::StrCat("orders/", o.doc.reference());
  change.subject = o.doc.reference();
  change.territory = o.territory;
  change.event = &event;
  change.state = &o.doc;
  return Record(change);
}

}  // namespace zp::watiqa
