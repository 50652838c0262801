#include "zp/events/outbox.h"

#include "spdlog/spdlog.h"
#include "zp/core/status.h"
#include "zp/log/log.h"

namespace zp::events {
namespace {

constexpr pg::Query kInsert{
    "zp_outbox_insert",
    "INSERT INTO outbox (event_id, topic, key, event_type, traceparent, value) "
    "VALUES ($1, $2, $3, $4, $5, $6)"};
// The first row of a transaction also notifies the relay, in the same statement; the
// notification is delivered at commit.
constexpr pg::Query kInsertAndNotify{
    "zp_outbox_insert_notify",
    "WITH row AS (INSERT INTO outbox (event_id, topic, key, event_type, traceparent, value) "
    "VALUES ($1, $2, $3, $4, $5, $6) RETURNING 1) SELECT pg_notify('zp_outbox', '') FROM row"};

constexpr pg::Query kInsertMany{
    "zp_outbox_insert_many",
    "INSERT INTO outbox (event_id, topic, key, event_type, traceparent, value) "
    "SELECT e, $2, k, t, p, v FROM unnest($1::uuid[], $3::text[], $4::text[], $5::text[], "
    "$6::bytea[]) AS u(e, k, t, p, v)"};
constexpr pg::Query kNotify{"zp_outbox_notify", "SELECT pg_notify('zp_outbox', '')"};

}  // namespace

absl::Status Outbox::Append(pg::Transaction& tx, const zp::events::v1::Event& event) const {
  if (event.id().empty() || event.subject().empty() || event.type().empty()) {
    return absl::InvalidArgumentError("outbox: an event needs an id, a subject and a type");
  }
  const bool first = tx.FirstTime(kOutboxChannel);
  if (notifier_ != nullptr) {
    if (first) tx.AfterCommit([n = notifier_] { n->Poke(); });
    // Sent with the transaction's next statement or its COMMIT (one round trip).
    tx.ExecLater(kInsert, {event.id(), topic_, event.subject(), event.type(), event.traceparent(),
                           pg::Param::Bytes(event.SerializeAsString())});
    return absl::OkStatus();
  }
  const pg::Query& query = first ? kInsertAndNotify : kInsert;
  return tx
      .Exec(query, {event.id(), topic_, event.subject(), event.type(), event.traceparent(),
                    pg::Param::Bytes(event.SerializeAsString())})
      .status();
}

absl::Status Outbox::AppendAll(pg::Transaction& tx,
                               const std::vector<zp::events::v1::Event>& events) const {
  if (events.empty()) return absl::OkStatus();
  std::vector<std::string> ids, keys, types, traces, values;
  for (const auto& event : events) {
    if (event.id().empty() || event.subject().empty() || event.type().empty()) {
      return absl::InvalidArgumentError("outbox: an event needs an id, a subject and a type");
    }
    ids.push_back(event.id());
    keys.push_back(event.subject());
    types.push_back(event.type());
    traces.push_back(event.traceparent());
    values.push_back(pg::ByteaText(event.SerializeAsString()));
  }
  const bool first = tx.FirstTime(kOutboxChannel);
  RETURN_IF_ERROR(
      tx.Exec(kInsertMany, {pg::TextArray(ids), topic_, pg::TextArray(keys), pg::TextArray(types),
                            pg::TextArray(traces), pg::TextArray(values)})
          .status());
  if (!first) return absl::OkStatus();
  if (notifier_ != nullptr) {
    tx.AfterCommit([n = notifier_] { n->Poke(); });
    return absl::OkStatus();
  }
  return tx.Exec(kNotify).status();
}

OutboxNotifier::OutboxNotifier(std::string conninfo, std::map<std::string, std::string> overrides,
                               absl::Duration min_interval)
    : conninfo_(std::move(conninfo)),
      overrides_(std::move(overrides)),
      min_interval_(min_interval),
      thread_([this] { Run(); }) {}

OutboxNotifier::~OutboxNotifier() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  thread_.join();
}

void OutboxNotifier::Poke() {
  absl::MutexLock lock(&mu_);
  poked_ = true;
}

void OutboxNotifier::Run() {
  std::unique_ptr<pg::Connection> conn;
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return poked_ || stopping_; };
      mu_.Await(absl::Condition(&ready));
      if (stopping_) return;
      poked_ = false;
    }
    if (conn == nullptr || conn->Broken()) {
      auto opened = pg::Connection::Open(conninfo_, overrides_);
      if (!opened.ok()) {
        spdlog::warn("outbox notifier: {}", opened.status().message());
        absl::SleepFor(absl::Milliseconds(200));  // the relay's polling covers the gap
        continue;
      }
      conn = *std::move(opened);
    }
    if (conn->Exec(kNotify).ok()) ++sent_;
    absl::SleepFor(min_interval_);  // pokes meanwhile fold into the next NOTIFY
  }
}

}  // namespace zp::events
