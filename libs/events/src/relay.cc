#include "zp/events/relay.h"

#include <unordered_set>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "zp/core/status.h"
#include "zp/events/outbox.h"
#include "zp/log/log.h"
#include "zp/pg/listener.h"

namespace zp::events {
namespace {

constexpr pg::Query kTryLock{"zp_relay_try_lock", "SELECT pg_try_advisory_lock($1)"};
constexpr pg::Query kSelectBatch{
    "zp_relay_select",
    "SELECT id, topic, key, event_type, traceparent, value, "
    "EXTRACT(EPOCH FROM created_at)::float8 FROM outbox ORDER BY id LIMIT $1 "
    "FOR UPDATE SKIP LOCKED"};
constexpr pg::Query kDelete{"zp_relay_delete", "DELETE FROM outbox WHERE id = ANY($1::bigint[])"};
constexpr pg::Query kPending{"zp_relay_pending", "SELECT count(*) FROM outbox"};

struct Row {
  int64_t id;
  std::string topic;
  std::string key;
  std::string type;
  std::string traceparent;
  std::string value;
  double created_at;
  rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR__MSG_TIMED_OUT;
  bool reported = false;
};

void OnDelivery(rd_kafka_t*, const rd_kafka_message_t* msg, void*) {
  Row* row = static_cast<Row*>(msg->_private);
  row->err = msg->err;
  row->reported = true;
}

}  // namespace

OutboxRelay::OutboxRelay(RelayOptions options) : options_(std::move(options)) {
  if (options_.registry != nullptr) {
    pending_gauge_ = &prometheus::BuildGauge()
                          .Name("zp_outbox_pending")
                          .Help("Outbox rows not yet acknowledged by Kafka.")
                          .Register(*options_.registry)
                          .Add({{"service", options_.service}});
    lag_histogram_ = &prometheus::BuildHistogram()
                          .Name("zp_outbox_publish_lag_seconds")
                          .Help("Time from outbox commit to Kafka acknowledgement.")
                          .Register(*options_.registry)
                          .Add({{"service", options_.service}},
                               prometheus::Histogram::BucketBoundaries{
                                   0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30});
  }
}

OutboxRelay::~OutboxRelay() { Stop(); }

void OutboxRelay::Start() {
  thread_ = std::thread([this] { Run(); });
}

void OutboxRelay::Stop() {
  stopping_ = true;
  if (thread_.joinable()) {
    thread_.join();
  }
}

RelayStats OutboxRelay::stats() const {
  return {published_.load(), failed_.load(), batches_.load(), leader_.load()};
}

absl::Status OutboxRelay::EnsureProducer() {
  if (producer_ != nullptr) {
    char reason[256];
    if (rd_kafka_fatal_error(producer_.get(), reason, sizeof(reason)) ==
        RD_KAFKA_RESP_ERR_NO_ERROR) {
      return absl::OkStatus();
    }
    // An idempotent producer that hit a fatal error cannot be used again: start a new one.
    spdlog::error("outbox relay: producer fatal error: {}; recreating it", reason);
    producer_.reset();
  }
  ASSIGN_OR_RETURN(KafkaConfPtr conf, MakeKafkaConf(IdempotentProducerProperties(
                                          options_.bootstrap_servers, options_.delivery_timeout)));
  rd_kafka_conf_set_dr_msg_cb(conf.get(), OnDelivery);
  char err[512];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf.get(), err, sizeof(err));
  if (rk == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("kafka producer: ", err));
  }
  (void)conf.release();  // owned by rk now
  producer_.reset(rk);
  return absl::OkStatus();
}

absl::StatusOr<int> OutboxRelay::PublishBatch(pg::Connection& conn) {
  RETURN_IF_ERROR(EnsureProducer());
  RETURN_IF_ERROR(conn.ExecScript("BEGIN"));
  auto rollback = [&conn] { (void)conn.ExecScript("ROLLBACK"); };
  absl::StatusOr<pg::Result> selected = conn.Exec(kSelectBatch, {options_.batch_size});
  if (!selected.ok()) {
    rollback();
    return selected.status();
  }
  std::vector<Row> rows(selected->rows());
  for (int r = 0; r < selected->rows(); ++r) {
    rows[r] = Row{selected->Int(r, 0),
                  std::string(selected->Text(r, 1)),
                  std::string(selected->Text(r, 2)),
                  std::string(selected->Text(r, 3)),
                  std::string(selected->Text(r, 4)),
                  selected->Bytes(r, 5),
                  0.0};
    rows[r].created_at = std::stod(std::string(selected->Text(r, 6)));
  }
  if (rows.empty()) {
    rollback();
    return 0;
  }
  for (Row& row : rows) {
    rd_kafka_resp_err_t err = rd_kafka_producev(
        producer_.get(), RD_KAFKA_V_TOPIC(row.topic.c_str()),
        RD_KAFKA_V_KEY(row.key.data(), row.key.size()),
        RD_KAFKA_V_VALUE(row.value.data(), row.value.size()),
        RD_KAFKA_V_HEADER("zp-event-type", row.type.data(), static_cast<ssize_t>(row.type.size())),
        RD_KAFKA_V_HEADER("traceparent", row.traceparent.data(),
                          static_cast<ssize_t>(row.traceparent.size())),
        RD_KAFKA_V_OPAQUE(&row), RD_KAFKA_V_END);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      // Not enqueued (e.g. local queue full): it stays in the outbox for the next batch.
      row.err = err;
      row.reported = true;
    }
  }
  // Every enqueued message gets a delivery report within delivery_timeout; wait for all of them
  // so that no report can arrive after `rows` is gone.
  rd_kafka_flush(producer_.get(),
                 static_cast<int>(absl::ToInt64Milliseconds(options_.delivery_timeout) + 5000));
  if (rd_kafka_outq_len(producer_.get()) > 0) {
    rd_kafka_purge(producer_.get(), RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
    rd_kafka_flush(producer_.get(), 10000);
  }
  std::vector<std::string> delivered;
  std::unordered_set<std::string> blocked_keys;
  const double now = absl::ToDoubleSeconds(absl::Now() - absl::UnixEpoch());
  int failed = 0;
  for (const Row& row : rows) {
    bool ok = row.reported && row.err == RD_KAFKA_RESP_ERR_NO_ERROR;
    if (ok && !blocked_keys.contains(row.key)) {
      delivered.push_back(absl::StrCat(row.id));
      if (lag_histogram_ != nullptr) {
        lag_histogram_->Observe(now - row.created_at);
      }
    } else if (!ok) {
      ++failed;
      blocked_keys.insert(row.key);
      if (ClassifyDelivery(row.err) == DeliveryOutcome::kPermanent) {
        spdlog::error("outbox relay: event {} on {} refused permanently: {}", row.id, row.topic,
                      rd_kafka_err2str(row.err));
      }
    }
  }
  if (options_.before_delete) {
    options_.before_delete(static_cast<int>(rows.size()));
  }
  if (!delivered.empty()) {
    absl::StatusOr<pg::Result> deleted =
        conn.Exec(kDelete, {absl::StrCat("{", absl::StrJoin(delivered, ","), "}")});
    if (!deleted.ok()) {
      rollback();
      return deleted.status();
    }
  }
  RETURN_IF_ERROR(conn.ExecScript("COMMIT"));
  published_ += static_cast<int64_t>(delivered.size());
  failed_ += failed;
  ++batches_;
  if (failed > 0) {
    return absl::UnavailableError(
        absl::StrCat("kafka: ", failed, " of ", rows.size(),
                     " events not acknowledged: ", rd_kafka_err2str(rows.back().err)));
  }
  return static_cast<int>(delivered.size());
}

void OutboxRelay::Backoff(absl::Duration& delay) {
  absl::Time until = absl::Now() + delay;
  while (!stopping_ && absl::Now() < until) {
    absl::SleepFor(absl::Milliseconds(20));
  }
  delay = std::min(delay * 2, options_.max_backoff);
}

void OutboxRelay::WaitForWork(absl::StatusOr<std::unique_ptr<pg::Listener>>& listener) {
  // Short waits keep Stop() prompt; a NOTIFY ends the wait at once.
  const absl::Time until = absl::Now() + options_.poll_interval;
  while (!stopping_ && absl::Now() < until) {
    if (!listener.ok()) {
      absl::SleepFor(absl::Milliseconds(100));
      listener =
          pg::Listener::Open(options_.conninfo, {std::string(kOutboxChannel)}, options_.overrides);
      continue;
    }
    absl::StatusOr<std::vector<pg::Notification>> woke = (*listener)->Wait(absl::Milliseconds(100));
    if (!woke.ok()) {
      listener = woke.status();
    } else if (!woke->empty()) {
      return;
    }
  }
}

void OutboxRelay::Run() {
  absl::Duration delay = options_.min_backoff;
  while (!stopping_) {
    absl::StatusOr<std::unique_ptr<pg::Connection>> conn =
        pg::Connection::Open(options_.conninfo, options_.overrides);
    if (!conn.ok()) {
      spdlog::warn("outbox relay: {}", conn.status().message());
      Backoff(delay);
      continue;
    }
    absl::StatusOr<pg::Result> locked = (*conn)->Exec(kTryLock, {options_.leader_lock_key});
    if (!locked.ok() || !locked->Bool(0, 0)) {
      // Another replica leads; try again later (its death releases the lock).
      leader_ = false;
      absl::Time until = absl::Now() + options_.poll_interval;
      while (!stopping_ && absl::Now() < until) {
        absl::SleepFor(absl::Milliseconds(20));
      }
      continue;
    }
    leader_ = true;
    spdlog::info("outbox relay: leader");
    absl::StatusOr<std::unique_ptr<pg::Listener>> listener =
        pg::Listener::Open(options_.conninfo, {std::string(kOutboxChannel)}, options_.overrides);
    while (!stopping_) {
      absl::StatusOr<int> published = PublishBatch(**conn);
      if (!published.ok()) {
        spdlog::warn("outbox relay: {}", published.status().message());
        if ((*conn)->Broken()) {
          break;  // lost the database (and the lock): compete again
        }
        Backoff(delay);
        continue;
      }
      delay = options_.min_backoff;
      if (pending_gauge_ != nullptr) {
        if (absl::StatusOr<pg::Result> pending = (*conn)->Exec(kPending); pending.ok()) {
          pending_gauge_->Set(static_cast<double>(pending->Int(0, 0)));
        }
      }
      if (*published == options_.batch_size) {
        continue;  // more may be waiting
      }
      WaitForWork(listener);
    }
    leader_ = false;
  }
  if (producer_ != nullptr) {
    rd_kafka_flush(producer_.get(), 5000);
  }
}

}  // namespace zp::events
