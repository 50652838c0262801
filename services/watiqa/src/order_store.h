#pragma once

// How an order is kept (migrations/0001_orders.sql): the zp.watiqa.v1.Order with its history in
// `doc`, and the columns that queries need, written together. Every change of an order goes
// through Change(): new version, history line for a new state, the row, one event in the outbox
// and one audit record, in the caller's transaction.

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "google/protobuf/message.h"
#include "zp/core/clock.h"
#include "zp/core/dates.h"
#include "zp/events/outbox.h"
#include "zp/pg/pool.h"
#include "zp/pg/transaction.h"
#include "zp/service/record.h"
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

class OrderStore {
 public:
  OrderStore(const core::Clock& clock, events::OutboxNotifier* notifier, std::string topic)
      : clock_(clock), recorder_(kSource, std::move(topic), notifier, clock) {}

  // By reference (canonical form); FOR UPDATE when `lock`.
  absl::StatusOr<std::optional<StoredOrder>> ByReference(pg::Transaction& tx,
                                                         const std::string& reference, bool lock);
  absl::StatusOr<std::optional<StoredOrder>> ByReference(pg::Pool& pool,
                                                         const std::string& reference);
  absl::StatusOr<std::optional<StoredOrder>> ByTrackingNumber(pg::Transaction& tx,
                                                              const std::string& tracking);

  absl::Status Insert(pg::Transaction& tx, const Actor& actor, StoredOrder& o);

  // Moves the order to `to` at `at` (history line with `note`), saves it, emits
  // OrderStateChanged and audits `action`.
  absl::Status Move(pg::Transaction& tx, const Actor& actor, const std::string& action,
                    StoredOrder& o, v1::OrderState to, absl::Time at, const std::string& note);
  // Saves a change that is not a move (tracking number, refund flag), emits `event` (its
  // `version` field set here) and audits `action`.
  absl::Status Change(pg::Transaction& tx, const Actor& actor, const std::string& action,
                      StoredOrder& o, google::protobuf::Message& event);
  // Saves the row alone (saga bookkeeping: attempts, next attempt, last error).
  absl::Status Save(pg::Transaction& tx, const StoredOrder& o);

  const core::Clock& clock() const { return clock_; }

 private:
  absl::Status Record(pg::Transaction& tx, const Actor& actor, const std::string& action,
                      const StoredOrder& o, const google::protobuf::Message& event);
  const core::Clock& clock_;
  service::Recorder recorder_;
};

// Columns of `orders` that StoredOrder reads, in order (for queries of the other files).
#define ZP_WATIQA_ORDER_COLUMNS                                                                \
  "id, doc, version, territory, ordered_by, family_name_keys, "                                \
  "(extract(epoch FROM paid_at) * 1000000)::bigint, "                                          \
  "(extract(epoch FROM issued_at) * 1000000)::bigint, "                                        \
  "(extract(epoch FROM dispatched_at) * 1000000)::bigint, "                                    \
  "(extract(epoch FROM delivered_at) * 1000000)::bigint, "                                     \
  "(extract(epoch FROM returned_at) * 1000000)::bigint, issue_request_ids, issue_attempts, "   \
  "(extract(epoch FROM next_issue_at) * 1000000)::bigint, last_issue_error, paid_request_id, " \
  "paid_traceparent"

absl::StatusOr<StoredOrder> ParseOrderRow(const pg::Result& r, int row);

// google.protobuf.Timestamp <-> absl::Time (zp/core/dates.h).
using core::ToTime;
using core::ToTimestamp;

}  // namespace zp::watiqa
