#include "services/watiqa/src/pg_order_store.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "zp/core/status.h"
#include "zp/pg/transaction.h"

namespace zp::watiqa {

namespace {

// Columns of `orders` that StoredOrder reads, in order (ParseOrder).
#define ZP_WATIQA_ORDER_COLUMNS                                                                \
  "id, doc, version, territory, ordered_by, family_name_keys, "                                \
  "(extract(epoch FROM paid_at) * 1000000)::bigint, "                                          \
  "(extract(epoch FROM issued_at) * 1000000)::bigint, "                                        \
  "(extract(epoch FROM dispatched_at) * 1000000)::bigint, "                                    \
  "(extract(epoch FROM delivered_at) * 1000000)::bigint, "                                     \
  "(extract(epoch FROM returned_at) * 1000000)::bigint, issue_request_ids, issue_attempts, "   \
  "(extract(epoch FROM next_issue_at) * 1000000)::bigint, last_issue_error, paid_request_id, " \
  "paid_traceparent"

#define ZP_MICROS(n) "to_timestamp($" #n "::numeric / 1000000)"

constexpr pg::Query kByReference{
    "wtq_by_reference", "SELECT " ZP_WATIQA_ORDER_COLUMNS " FROM orders WHERE reference = $1"};
constexpr pg::Query kLockByReference{"wtq_lock_by_reference",
                                     "SELECT " ZP_WATIQA_ORDER_COLUMNS
                                     " FROM orders WHERE reference = $1 FOR UPDATE"};
constexpr pg::Query kLockByTracking{"wtq_lock_by_tracking",
                                    "SELECT " ZP_WATIQA_ORDER_COLUMNS
                                    " FROM orders WHERE tracking_number = $1 FOR UPDATE"};

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

// $1 orderer ('' = any); $2/$3 territory scope (NULL: national); $4 state; $5 commune; $6 cursor;
// $8/$9 placed in [from, before) (NULL: unbounded). Newest first.
constexpr pg::Query kList{"wtq_list", "SELECT " ZP_WATIQA_ORDER_COLUMNS R"sql( FROM orders
WHERE ($1 = '' OR ordered_by = $1)
  AND )sql" ZP_IN_TERRITORY_SCOPE("territory", "$2", "$3") R"sql(
  AND ($4::int = 0 OR state = $4::int)
  AND ($5 = '' OR territory = $5)
  AND ($6::uuid IS NULL OR id < $6::uuid)
  AND ($8::numeric IS NULL OR created_at >= )sql" ZP_MICROS(8) R"sql()
  AND ($9::numeric IS NULL OR created_at < )sql" ZP_MICROS(9) R"sql()
ORDER BY id DESC LIMIT $7)sql"};

constexpr pg::Query kToCollect{"wtq_to_collect", "SELECT " ZP_WATIQA_ORDER_COLUMNS R"sql(
FROM orders WHERE state = 4 AND tracking_number IS NULL AND ($1::uuid IS NULL OR id > $1::uuid)
ORDER BY id LIMIT $2)sql"};

constexpr pg::Query kClaim{"wtq_claim_issue", R"sql(
UPDATE orders SET next_issue_at = )sql" ZP_MICROS(1) R"sql(
WHERE id IN (SELECT id FROM orders
             WHERE state = 3 AND next_issue_at <= )sql" ZP_MICROS(2) R"sql(
             ORDER BY next_issue_at LIMIT $3 FOR UPDATE SKIP LOCKED)
RETURNING reference)sql"};

constexpr pg::Query kPayment{"wtq_payment", R"sql(
SELECT order_id, amount_centimes, outcome, (extract(epoch FROM paid_at) * 1000000)::bigint,
  (extract(epoch FROM received_at) * 1000000)::bigint, refund_reason
FROM payments WHERE payment_reference = $1)sql"};

constexpr pg::Query kInsertPayment{"wtq_insert_payment", R"sql(
INSERT INTO payments (payment_reference, order_id, amount_centimes, paid_at, received_at, outcome,
  refund_reason)
VALUES ($1, $2::uuid, $3, )sql" ZP_MICROS(4) ", " ZP_MICROS(5) R"sql(, $6, $7))sql"};

constexpr pg::Query kOweBack{"wtq_refund_payment", R"sql(
UPDATE payments SET outcome = 2, refund_reason = $2 WHERE payment_reference = $1)sql"};

#define ZP_WATIQA_REFUND_COLUMNS                                                              \
  "p.payment_reference, o.reference, p.amount_centimes, p.refund_reason, "                    \
  "(extract(epoch FROM p.received_at) * 1000000)::bigint, coalesce(p.refund_reference, ''), " \
  "(extract(epoch FROM p.refunded_at) * 1000000)::bigint, p.outcome"

constexpr pg::Query kRefundsDue{"wtq_refunds_due", "SELECT " ZP_WATIQA_REFUND_COLUMNS R"sql(
FROM payments p JOIN orders o ON o.id = p.order_id
WHERE p.outcome = 2 AND p.refunded_at IS NULL AND ($1 = '' OR p.payment_reference > $1)
ORDER BY p.payment_reference LIMIT $2)sql"};

constexpr pg::Query kLockRefund{"wtq_lock_refund", "SELECT " ZP_WATIQA_REFUND_COLUMNS R"sql(
FROM payments p JOIN orders o ON o.id = p.order_id WHERE p.payment_reference = $1
FOR UPDATE OF p)sql"};

constexpr pg::Query kAcknowledgeRefund{"wtq_acknowledge_refund", R"sql(
UPDATE payments SET refund_reference = $2, refunded_at = )sql" ZP_MICROS(3) R"sql(
WHERE payment_reference = $1)sql"};

constexpr pg::Query kRefundStillDue{"wtq_refunds_still_due", R"sql(
SELECT count(*) FROM payments WHERE order_id = $1::uuid AND outcome = 2 AND refunded_at IS NULL)sql"};

constexpr pg::Query kTrackingTaken{"wtq_tracking_taken", R"sql(
SELECT reference FROM orders WHERE tracking_number = $1)sql"};

constexpr pg::Query kInsertDeliveryEvent{"wtq_insert_delivery_event", R"sql(
INSERT INTO delivery_events (tracking_number, event, at, location, reason, received_at)
VALUES ($1, $2, )sql" ZP_MICROS(3) R"sql(, $4, $5, )sql" ZP_MICROS(6) R"sql()
ON CONFLICT DO NOTHING)sql"};

constexpr pg::Query kDeliveryEvents{"wtq_delivery_events", R"sql(
SELECT event, (extract(epoch FROM at) * 1000000)::bigint, location, reason
FROM delivery_events WHERE tracking_number = $1)sql"};

// Statistics: counts by state and median delays per commune, computed by PostgreSQL over the
// orders of the scope (percentile_cont; GROUPING SETS give the total beside each commune).
// $1/$2 scope (NULL: national); $3/$4 period [from, to) in microseconds.
#define ZP_WATIQA_STATS_WHERE                                                               \
  " WHERE " ZP_IN_TERRITORY_SCOPE("territory", "$1", "$2") " AND created_at >= " ZP_MICROS( \
      3) " AND created_at < " ZP_MICROS(4)

constexpr pg::Query kCounts{"wtq_stats_counts",
                            "SELECT territory, state, count(*) FROM orders" ZP_WATIQA_STATS_WHERE
                            " GROUP BY GROUPING SETS ((territory, state), (state))"
                            " ORDER BY territory NULLS FIRST, state"};

constexpr pg::Query kDelays{
    "wtq_stats_delays",
    "SELECT territory, count(*),"
    " percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM dispatched_at - paid_at))"
    "   FILTER (WHERE dispatched_at IS NOT NULL AND paid_at IS NOT NULL),"
    " percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM delivered_at - paid_at))"
    "   FILTER (WHERE delivered_at IS NOT NULL AND paid_at IS NOT NULL),"
    " coalesce(sum(fee_centimes) FILTER (WHERE paid_at IS NOT NULL AND state <> 9), 0)"
    " FROM orders" ZP_WATIQA_STATS_WHERE
    " GROUP BY GROUPING SETS ((territory), ()) ORDER BY territory NULLS FIRST"};

#undef ZP_WATIQA_STATS_WHERE
#undef ZP_WATIQA_REFUND_COLUMNS
#undef ZP_MICROS

std::optional<absl::Time> OptionalTime(const pg::Result& r, int row, int col) {
  if (r.IsNull(row, col)) return std::nullopt;
  return absl::FromUnixMicros(r.Int(row, col));
}

pg::Param Micros(absl::Time t) { return pg::Param(absl::StrCat(absl::ToUnixMicros(t))); }

pg::Param Micros(const std::optional<absl::Time>& t) {
  if (!t.has_value()) return pg::Param(nullptr);
  return Micros(*t);
}

pg::Param OptionalText(const std::string& s) {
  return s.empty() ? pg::Param(nullptr) : pg::Param(s);
}

absl::StatusOr<StoredOrder> ParseOrder(const pg::Result& r, int i) {
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

absl::StatusOr<std::vector<StoredOrder>> ParseOrders(const pg::Result& r) {
  std::vector<StoredOrder> out;
  out.reserve(r.rows());
  for (int i = 0; i < r.rows(); ++i) {
    ASSIGN_OR_RETURN(StoredOrder o, ParseOrder(r, i));
    out.push_back(std::move(o));
  }
  return out;
}

template <typename Db>
absl::StatusOr<std::optional<StoredOrder>> LoadOne(Db& db, const pg::Query& q,
                                                   const std::string& key) {
  ASSIGN_OR_RETURN(pg::Result r, db.Exec(q, {key}));
  if (r.rows() == 0) return std::optional<StoredOrder>();
  ASSIGN_OR_RETURN(StoredOrder o, ParseOrder(r, 0));
  return std::optional<StoredOrder>(std::move(o));
}

v1::RefundDue RefundOf(const pg::Result& rows, int i) {
  v1::RefundDue d;
  d.set_payment_reference(std::string(rows.Text(i, 0)));
  d.set_order_reference(std::string(rows.Text(i, 1)));
  d.mutable_amount()->set_centimes(rows.Int(i, 2));
  d.set_reason(std::string(rows.Text(i, 3)));
  *d.mutable_since() = ToTimestamp(absl::FromUnixMicros(rows.Int(i, 4)));
  d.set_refund_reference(std::string(rows.Text(i, 5)));
  if (!rows.IsNull(i, 6)) {
    *d.mutable_refunded_at() = ToTimestamp(absl::FromUnixMicros(rows.Int(i, 6)));
  }
  return d;
}

class PgOrderTx final : public OrderTx {
 public:
  PgOrderTx(pg::Transaction& tx, const service::Recorder& recorder)
      : tx_(tx), recorder_(recorder) {}

  absl::StatusOr<std::optional<StoredOrder>> Lock(const std::string& reference) override {
    return LoadOne(tx_, kLockByReference, reference);
  }
  absl::StatusOr<std::optional<StoredOrder>> LockByTracking(
      const std::string& tracking_number) override {
    return LoadOne(tx_, kLockByTracking, tracking_number);
  }
  absl::Status Save(const StoredOrder& o) override {
    return tx_
        .Exec(kUpdate,
              {o.id, static_cast<int>(o.doc.state()), o.version, Micros(o.paid_at),
               Micros(o.issued_at), Micros(o.dispatched_at), Micros(o.delivered_at),
               Micros(o.returned_at), OptionalText(o.doc.tracking_number()),
               pg::TextArray(o.issue_request_ids), o.issue_attempts, Micros(o.next_issue_at),
               o.last_issue_error, pg::Param::Bytes(o.doc.SerializeAsString()), o.paid_request_id,
               o.paid_traceparent})
        .status();
  }

  absl::StatusOr<std::optional<Payment>> PaymentOf(const std::string& payment_reference) override {
    ASSIGN_OR_RETURN(pg::Result r, tx_.Exec(kPayment, {payment_reference}));
    if (r.rows() == 0) return std::optional<Payment>();
    Payment p;
    p.payment_reference = payment_reference;
    p.order_id = std::string(r.Text(0, 0));
    p.amount_centimes = r.Int(0, 1);
    p.outcome = static_cast<v1::PaymentConfirmation::Outcome>(r.Int(0, 2));
    p.paid_at = absl::FromUnixMicros(r.Int(0, 3));
    p.received_at = absl::FromUnixMicros(r.Int(0, 4));
    p.refund_reason = std::string(r.Text(0, 5));
    return std::optional<Payment>(std::move(p));
  }
  absl::Status AddPayment(const Payment& p) override {
    return tx_
        .Exec(kInsertPayment,
              {p.payment_reference, p.order_id, p.amount_centimes, Micros(p.paid_at),
               Micros(p.received_at), static_cast<int>(p.outcome), p.refund_reason})
        .status();
  }
  absl::Status OweBack(const std::string& payment_reference, const std::string& reason) override {
    return tx_.Exec(kOweBack, {payment_reference, reason}).status();
  }
  absl::StatusOr<std::optional<Refund>> LockRefund(const std::string& payment_reference) override {
    ASSIGN_OR_RETURN(pg::Result r, tx_.Exec(kLockRefund, {payment_reference}));
    if (r.rows() == 0) return std::optional<Refund>();
    return std::optional<Refund>(
        Refund{RefundOf(r, 0), static_cast<v1::PaymentConfirmation::Outcome>(r.Int(0, 7))});
  }
  absl::Status AcknowledgeRefund(const std::string& payment_reference,
                                 const std::string& refund_reference,
                                 absl::Time refunded_at) override {
    return tx_.Exec(kAcknowledgeRefund, {payment_reference, refund_reference, Micros(refunded_at)})
        .status();
  }
  absl::StatusOr<bool> RefundStillDue(const std::string& order_id) override {
    ASSIGN_OR_RETURN(pg::Result r, tx_.Exec(kRefundStillDue, {order_id}));
    return r.Int(0, 0) > 0;
  }

  absl::StatusOr<bool> TrackingTaken(const std::string& tracking_number) override {
    ASSIGN_OR_RETURN(pg::Result r, tx_.Exec(kTrackingTaken, {tracking_number}));
    return r.rows() > 0;
  }
  absl::StatusOr<bool> AddDeliveryEvent(const std::string& tracking_number, const DeliveryEvent& e,
                                        absl::Time received_at) override {
    ASSIGN_OR_RETURN(
        pg::Result r,
        tx_.Exec(kInsertDeliveryEvent, {tracking_number, static_cast<int>(e.kind), Micros(e.time),
                                        e.location, e.reason, Micros(received_at)}));
    return r.affected() > 0;
  }
  absl::StatusOr<std::vector<DeliveryEvent>> DeliveryEvents(
      const std::string& tracking_number) override {
    ASSIGN_OR_RETURN(pg::Result r, tx_.Exec(kDeliveryEvents, {tracking_number}));
    std::vector<DeliveryEvent> out;
    for (int i = 0; i < r.rows(); ++i) {
      out.push_back({static_cast<v1::DeliveryEventKind>(r.Int(i, 0)),
                     absl::FromUnixMicros(r.Int(i, 1)), std::string(r.Text(i, 2)),
                     std::string(r.Text(i, 3))});
    }
    return out;
  }

 protected:
  absl::Status InsertRow(const StoredOrder& o) override {
    const v1::Order& d = o.doc;
    return tx_
        .Exec(kInsert, {o.id, d.reference(), static_cast<int>(d.state()), o.version,
                        static_cast<int>(d.kind()), d.copies(), d.act_id(), d.bureau_code(),
                        o.territory, static_cast<int>(d.destination()), d.fee().centimes(),
                        o.ordered_by, pg::TextArray(o.family_name_keys),
                        Micros(ToTime(d.create_time())), pg::Param::Bytes(d.SerializeAsString())})
        .status();
  }
  absl::Status Record(const service::Change& change) override {
    return recorder_.Record(tx_, change);
  }

 private:
  pg::Transaction& tx_;
  const service::Recorder& recorder_;
};

double Hours(const pg::Result& r, int row, int col) { return r.Double(row, col) / 3600.0; }

}  // namespace

PgOrderStore::PgOrderStore(pg::Pool& pool, const core::Clock& clock,
                           events::OutboxNotifier* notifier, std::string topic)
    : pool_(pool), recorder_(kSource, std::move(topic), notifier, clock) {}

absl::StatusOr<std::string> PgOrderStore::Idempotent(
    const service::IdempotentCall& call,
    const std::function<absl::StatusOr<std::string>(OrderTx&)>& work) {
  return service::PgIdempotent(pool_, call, [&](pg::Transaction& tx) {
    PgOrderTx unit(tx, recorder_);
    return work(unit);
  });
}

absl::Status PgOrderStore::Unit(const std::function<absl::Status(OrderTx&)>& work) {
  return pg::RunInTransaction(pool_, [&](pg::Transaction& tx) {
    PgOrderTx unit(tx, recorder_);
    return work(unit);
  });
}

absl::StatusOr<std::optional<StoredOrder>> PgOrderStore::ByReference(const std::string& reference) {
  return LoadOne(pool_, kByReference, reference);
}

absl::StatusOr<std::vector<StoredOrder>> PgOrderStore::List(const OrderFilter& f) {
  const pg::Param before = f.before_id;
  ASSIGN_OR_RETURN(
      pg::Result rows,
      pool_.Exec(kList, {f.ordered_by, f.scope.codes(), f.scope.prefixes(),
                         static_cast<int>(f.state), f.commune_code, before, f.limit + 1,
                         Micros(f.placed_from), Micros(f.placed_before)}));
  return ParseOrders(rows);
}

absl::StatusOr<std::vector<StoredOrder>> PgOrderStore::ToCollect(
    const std::optional<std::string>& after_id, int limit) {
  const pg::Param after = after_id;
  ASSIGN_OR_RETURN(pg::Result rows, pool_.Exec(kToCollect, {after, limit}));
  return ParseOrders(rows);
}

absl::StatusOr<std::vector<v1::RefundDue>> PgOrderStore::RefundsDue(const std::string& after,
                                                                    int limit) {
  ASSIGN_OR_RETURN(pg::Result rows, pool_.Exec(kRefundsDue, {after, limit}));
  std::vector<v1::RefundDue> out;
  for (int i = 0; i < rows.rows(); ++i) out.push_back(RefundOf(rows, i));
  return out;
}

absl::StatusOr<std::vector<std::string>> PgOrderStore::ClaimDue(absl::Time now,
                                                                absl::Time lease_until, int batch) {
  ASSIGN_OR_RETURN(pg::Result rows, pool_.Exec(kClaim, {Micros(lease_until), Micros(now), batch}));
  std::vector<std::string> out;
  for (int i = 0; i < rows.rows(); ++i) out.emplace_back(rows.Text(i, 0));
  return out;
}

absl::StatusOr<OrderFigures> PgOrderStore::Figures(const auth::TerritoryScope& scope,
                                                   absl::Time from, absl::Time to) {
  ASSIGN_OR_RETURN(pg::Result counts, pool_.Exec(kCounts, {scope.codes(), scope.prefixes(),
                                                           Micros(from), Micros(to)}));
  ASSIGN_OR_RETURN(pg::Result delays, pool_.Exec(kDelays, {scope.codes(), scope.prefixes(),
                                                           Micros(from), Micros(to)}));
  OrderFigures out;
  std::map<std::string, size_t> by_commune;
  // Every commune with orders has a row in `delays` (read first); the total is the NULL row.
  auto stats_of = [&](const pg::Result& rows, int i) -> v1::CommuneStats* {
    if (rows.IsNull(i, 0)) return &out.total;
    std::string code(rows.Text(i, 0));
    auto [it, added] = by_commune.try_emplace(code, out.communes.size());
    if (added) {
      out.communes.emplace_back();
      out.communes.back().set_commune_code(code);
    }
    return &out.communes[it->second];
  };
  for (int i = 0; i < delays.rows(); ++i) {
    v1::CommuneStats* s = stats_of(delays, i);
    s->set_orders(delays.Int(i, 1));
    s->set_median_hours_payment_to_dispatch(Hours(delays, i, 2));
    s->set_median_hours_payment_to_delivery(Hours(delays, i, 3));
    s->set_revenue_centimes(delays.Int(i, 4));
  }
  for (int i = 0; i < counts.rows(); ++i) {
    v1::StateCount* sc = stats_of(counts, i)->add_counts();
    sc->set_state(static_cast<v1::OrderState>(counts.Int(i, 1)));
    sc->set_count(counts.Int(i, 2));
  }
  return out;
}

}  // namespace zp::watiqa
