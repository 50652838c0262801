#include "services/watiqa/src/order_store.h"

#include "absl/strings/str_cat.h"
#include "zp/core/status.h"

namespace zp::watiqa {

namespace {

constexpr pg::Query kByReference{
    "wtq_by_reference", "SELECT " ZP_WATIQA_ORDER_COLUMNS " FROM orders WHERE reference = $1"};
constexpr pg::Query kLockByReference{"wtq_lock_by_reference",
                                     "SELECT " ZP_WATIQA_ORDER_COLUMNS
                                     " FROM orders WHERE reference = $1 FOR UPDATE"};
constexpr pg::Query kLockByTracking{"wtq_lock_by_tracking",
                                    "SELECT " ZP_WATIQA_ORDER_COLUMNS
                                    " FROM orders WHERE tracking_number = $1 FOR UPDATE"};

#define ZP_MICROS(n) "to_timestamp($" #n "::numeric / 1000000)"

constexpr pg::Query kInsert{"wtq_insert", R"sql(
INSERT INTO orders (id, reference, state, version, kind, copies, act_id, bureau_code, territory,
  destination, fee_centimes, ordered_by, family_name_keys, created_at, doc)
VALUES ($1, $2, $3, $4, $5, $6, $7::uuid, $8, $9, $10, $11, $12, $13::text[], )sql" ZP_MICROS(
                                              14) R"sql(,
  $15))sql"};

constexpr pg::Query kUpdate{"wtq_update", R"sql(
UPDATE orders SET state = $2, version = $3, paid_at = )sql" ZP_MICROS(4) R"sql(,
  issued_at = )sql" ZP_MICROS(5) R"sql(, dispatched_at = )sql" ZP_MICROS(6) R"sql(,
  delivered_at = )sql" ZP_MICROS(7) R"sql(, returned_at = )sql" ZP_MICROS(8) R"sql(,
  tracking_number = $9, issue_request_ids = $10::text[], issue_attempts = $11,
  next_issue_at = )sql" ZP_MICROS(12) R"sql(, last_issue_error = $13, doc = $14,
  paid_request_id = $15, paid_traceparent = $16
WHERE id = $1::uuid)sql"};

#undef ZP_MICROS

std::optional<absl::Time> OptionalTime(const pg::Result& r, int row, int col) {
  if (r.IsNull(row, col)) return std::nullopt;
  return absl::FromUnixMicros(r.Int(row, col));
}

pg::Param Micros(const std::optional<absl::Time>& t) {
  if (!t.has_value()) return pg::Param(nullptr);
  return pg::Param(absl::StrCat(absl::ToUnixMicros(*t)));
}

pg::Param OptionalText(const std::string& s) {
  return s.empty() ? pg::Param(nullptr) : pg::Param(s);
}

}  // namespace

absl::StatusOr<StoredOrder> ParseOrderRow(const pg::Result& r, int i) {
  StoredOrder o;
  o.id = std::string(r.Text(i, 0));
  if (!o.doc.ParseFromString(r.Bytes(i, 1))) {
    return absl::DataLossError(absl::StrCat("order ", o.id, ": document does not parse"));
  }
  o.version = static_cast<int>(r.Int(i, 2));
  o.territory = std::string(r.Text(i, 3));
  o.ordered_by = std::string(r.Text(i, 4));
  o.family_name_keys = pg::ParseTextArray(r.Text(i, 5));
  o.paid_at = OptionalTime(r, i, 6);
  o.issued_at = OptionalTime(r, i, 7);
  o.dispatched_at = OptionalTime(r, i, 8);
  o.delivered_at = OptionalTime(r, i, 9);
  o.returned_at = OptionalTime(r, i, 10);
  o.issue_request_ids = pg::ParseTextArray(r.Text(i, 11));
  o.issue_attempts = static_cast<int>(r.Int(i, 12));
  o.next_issue_at = OptionalTime(r, i, 13);
  o.last_issue_error = std::string(r.Text(i, 14));
  o.paid_request_id = std::string(r.Text(i, 15));
  o.paid_traceparent = std::string(r.Text(i, 16));
  return o;
}

namespace {
template <typename Db>
absl::StatusOr<std::optional<StoredOrder>> LoadOne(Db& db, const pg::Query& q,
                                                   const std::string& key) {
  ASSIGN_OR_RETURN(pg::Result r, db.Exec(q, {key}));
  if (r.rows() == 0) return std::optional<StoredOrder>();
  ASSIGN_OR_RETURN(StoredOrder o, ParseOrderRow(r, 0));
  return std::optional<StoredOrder>(std::move(o));
}
}  // namespace

absl::StatusOr<std::optional<StoredOrder>> OrderStore::ByReference(pg::Transaction& tx,
                                                                   const std::string& reference,
                                                                   bool lock) {
  return LoadOne(tx, lock ? kLockByReference : kByReference, reference);
}

absl::StatusOr<std::optional<StoredOrder>> OrderStore::ByReference(pg::Pool& pool,
                                                                   const std::string& reference) {
  return LoadOne(pool, kByReference, reference);
}

absl::StatusOr<std::optional<StoredOrder>> OrderStore::ByTrackingNumber(
    pg::Transaction& tx, const std::string& tracking) {
  return LoadOne(tx, kLockByTracking, tracking);
}

absl::Status OrderStore::Insert(pg::Transaction& tx, const Actor& actor, StoredOrder& o) {
  const absl::Time now = ToTime(o.doc.create_time());
  o.version = 1;
  v1::StateChange* h = o.doc.add_history();
  h->set_state(v1::PLACED);
  *h->mutable_time() = o.doc.create_time();
  o.doc.set_state(v1::PLACED);
  RETURN_IF_ERROR(
      tx.Exec(kInsert,
              {o.id, o.doc.reference(), static_cast<int>(o.doc.state()), o.version,
               static_cast<int>(o.doc.kind()), o.doc.copies(), o.doc.act_id(), o.doc.bureau_code(),
               o.territory, static_cast<int>(o.doc.destination()), o.doc.fee().centimes(),
               o.ordered_by, pg::TextArray(o.family_name_keys),
               absl::StrCat(absl::ToUnixMicros(now)), pg::Param::Bytes(o.doc.SerializeAsString())})
          .status());
  v1::OrderStateChanged e;
  e.set_reference(o.doc.reference());
  e.set_to(v1::PLACED);
  *e.mutable_time() = o.doc.create_time();
  e.set_commune_code(o.doc.commune_code());
  e.set_kind(o.doc.kind());
  e.set_copies(o.doc.copies());
  e.set_fee_centimes(o.doc.fee().centimes());
  e.set_version(o.version);
  return Record(tx, actor, "PlaceOrder", o, e);
}

absl::Status OrderStore::Save(pg::Transaction& tx, const StoredOrder& o) {
  return tx
      .Exec(kUpdate, {o.id, static_cast<int>(o.doc.state()), o.version, Micros(o.paid_at),
                      Micros(o.issued_at), Micros(o.dispatched_at), Micros(o.delivered_at),
                      Micros(o.returned_at), OptionalText(o.doc.tracking_number()),
                      pg::TextArray(o.issue_request_ids), o.issue_attempts, Micros(o.next_issue_at),
                      o.last_issue_error, pg::Param::Bytes(o.doc.SerializeAsString()),
                      o.paid_request_id, o.paid_traceparent})
      .status();
}

absl::Status OrderStore::Move(pg::Transaction& tx, const Actor& actor, const std::string& action,
                              StoredOrder& o, v1::OrderState to, absl::Time at,
                              const std::string& note) {
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
  RETURN_IF_ERROR(Save(tx, o));
  v1::OrderStateChanged e;
  e.set_reference(o.doc.reference());
  e.set_from(from);
  e.set_to(to);
  *e.mutable_time() = ToTimestamp(at);
  e.set_note(note);
  e.set_commune_code(o.doc.commune_code());
  e.set_kind(o.doc.kind());
  e.set_copies(o.doc.copies());
  e.set_fee_centimes(o.doc.fee().centimes());
  e.set_version(o.version);
  return Record(tx, actor, action, o, e);
}

absl::Status OrderStore::Change(pg::Transaction& tx, const Actor& actor, const std::string& action,
                                StoredOrder& o, google::protobuf::Message& event) {
  // Every event of an order carries the order's version (the tracking cache's clock).
  const auto* field = event.GetDescriptor()->FindFieldByName("version");
  if (field == nullptr || field->cpp_type() != google::protobuf::FieldDescriptor::CPPTYPE_INT32) {
    return absl::InternalError(absl::StrCat(event.GetTypeName(), " has no int32 version"));
  }
  ++o.version;
  event.GetReflection()->SetInt32(&event, field, o.version);
  RETURN_IF_ERROR(Save(tx, o));
  return Record(tx, actor, action, o, event);
}

absl::Status OrderStore::Record(pg::Transaction& tx, const Actor& actor, const std::string& action,
                                const StoredOrder& o, const google::protobuf::Message& event) {
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
  return recorder_.Record(tx, change);
}

}  // namespace zp::watiqa
