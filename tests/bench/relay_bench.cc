// Outbox relay throughput and commit-to-Kafka latency, beside plain INSERTs of the same rows.
#include <atomic>
#include <iomanip>
#include <iostream>
#include <map>
#include <mutex>
#include <thread>

#include "absl/strings/str_cat.h"
#include "google/protobuf/wrappers.pb.h"
#include "tests/bench/bench.h"
#include "tests/support/test_env.h"
#include "zp/core/status.h"
#include "zp/events/event.h"
#include "zp/events/kafka.h"
#include "zp/events/outbox.h"
#include "zp/events/relay.h"
#include "zp/pg/migrations.h"
#include "zp/pg/test_database.h"
#include "zp/pg/transaction.h"

namespace zp::bench {
namespace {

constexpr int kPerTransaction = 100;
constexpr pg::Query kPlainInsert{
    "b_plain",
    "INSERT INTO plain_outbox (event_id, topic, key, event_type, traceparent, value) "
    "VALUES ($1, $2, $3, $4, $5, $6)"};

std::vector<events::v1::Event> MakeEvents(int n) {
  std::vector<events::v1::Event> out;
  events::EventContext ctx{"bench", "system:bench", "MA",
                           "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", ""};
  google::protobuf::StringValue payload;
  payload.set_value(std::string(200, 'x'));  // a typical small domain event
  for (int i = 0; i < n; ++i) {
    out.push_back(events::NewEvent(ctx, absl::StrCat("acts/", i % 64), payload));
  }
  return out;
}

double Seconds(absl::Time start) { return absl::ToDoubleSeconds(absl::Now() - start); }

// Reads `expected` events from `topic` and records when each id arrived.
class ArrivalRecorder {
 public:
  ArrivalRecorder(const std::string& bootstrap, const std::string& topic) {
    auto conf = *events::MakeKafkaConf({{"bootstrap.servers", bootstrap},
                                        {"group.id", testing::UniqueName("bench-")},
                                        {"auto.offset.reset", "earliest"},
                                        {"enable.auto.commit", "false"},
                                        {"fetch.wait.max.ms", "5"},
                                        {"allow.auto.create.topics", "true"}});
    char err[256];
    consumer_.reset(rd_kafka_new(RD_KAFKA_CONSUMER, conf.release(), err, sizeof(err)));
    rd_kafka_poll_set_consumer(consumer_.get());
    events::KafkaPartitionListPtr topics(rd_kafka_topic_partition_list_new(1));
    rd_kafka_topic_partition_list_add(topics.get(), topic.c_str(), RD_KAFKA_PARTITION_UA);
    rd_kafka_subscribe(consumer_.get(), topics.get());
    thread_ = std::thread([this] {
      while (!stop_) {
        events::KafkaMessagePtr msg(rd_kafka_consumer_poll(consumer_.get(), 50));
        if (msg == nullptr || msg->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
          continue;
        }
        events::v1::Event e;
        e.ParseFromArray(msg->payload, static_cast<int>(msg->len));
        std::lock_guard<std::mutex> lock(mu_);
        arrivals_.emplace(e.id(), absl::Now());
      }
    });
  }
  ~ArrivalRecorder() {
    stop_ = true;
    thread_.join();
    rd_kafka_consumer_close(consumer_.get());
  }
  size_t count() {
    std::lock_guard<std::mutex> lock(mu_);
    return arrivals_.size();
  }
  std::map<std::string, absl::Time> arrivals() {
    std::lock_guard<std::mutex> lock(mu_);
    return arrivals_;
  }

 private:
  events::KafkaPtr consumer_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::map<std::string, absl::Time> arrivals_;
};

}  // namespace

int RelayBench(const BenchOptions& options) {
  auto db = pg::TestDatabase::Create(options.pg_url);
  if (!db.ok()) {
    std::cerr << db.status() << "\n";
    return 1;
  }
  pg::Pool pool((*db)->pool_options(4));
  {
    auto conn = pg::Connection::Open((*db)->server_url(), (*db)->overrides());
    auto migrations = events::Migrations();
    migrations.push_back(
        {"bench", 1, "0001_plain.sql", "CREATE TABLE plain_outbox (LIKE outbox INCLUDING ALL)"});
    if (!conn.ok() || !pg::ApplyMigrations(**conn, migrations).ok()) {
      std::cerr << "bench: cannot prepare the database\n";
      return 1;
    }
  }
  const int n = options.events;
  const std::string topic = testing::UniqueName("zp.bench.");
  std::vector<events::v1::Event> batch = MakeEvents(n);

  // Baseline: the same rows, the same transactions, into a plain table.
  absl::Time start = absl::Now();
  for (int i = 0; i < n; i += kPerTransaction) {
    absl::Status s = pg::RunInTransaction(pool, [&](pg::Transaction& tx) -> absl::Status {
      for (int j = i; j < std::min(n, i + kPerTransaction); ++j) {
        const auto& e = batch[j];
        RETURN_IF_ERROR(
            tx.Exec(kPlainInsert, {e.id(), topic, e.subject(), e.type(), e.traceparent(),
                                   pg::Param::Bytes(e.SerializeAsString())})
                .status());
      }
      return absl::OkStatus();
    });
    if (!s.ok()) {
      std::cerr << s << "\n";
      return 1;
    }
  }
  const double plain_rate = n / Seconds(start);

  // As in the services: the relay is woken after commit by the notifier.
  events::OutboxNotifier notifier((*db)->server_url(), (*db)->overrides());
  events::Outbox outbox(topic, &notifier);
  start = absl::Now();
  for (int i = 0; i < n; i += kPerTransaction) {
    absl::Status s = pg::RunInTransaction(pool, [&](pg::Transaction& tx) -> absl::Status {
      for (int j = i; j < std::min(n, i + kPerTransaction); ++j) {
        RETURN_IF_ERROR(outbox.Append(tx, batch[j]));
      }
      return absl::OkStatus();
    });
    if (!s.ok()) {
      std::cerr << s << "\n";
      return 1;
    }
  }
  const double append_rate = n / Seconds(start);

  ArrivalRecorder recorder(options.kafka_bootstrap, topic);
  events::RelayOptions relay_options;
  relay_options.conninfo = (*db)->server_url();
  relay_options.overrides = (*db)->overrides();
  relay_options.bootstrap_servers = options.kafka_bootstrap;
  relay_options.batch_size = 1000;
  relay_options.poll_interval = absl::Milliseconds(200);
  events::OutboxRelay relay(relay_options);
  start = absl::Now();
  relay.Start();
  if (!testing::Eventually([&] { return relay.stats().published >= n; }, absl::Seconds(300))) {
    std::cerr << "bench: relay did not drain the outbox\n";
    return 1;
  }
  const double relay_rate = n / Seconds(start);

  // Latency: one event per transaction at a steady pace, while the relay waits on NOTIFY (sent by
  // the notifier after each commit).
  const int m = std::min(n, 2000);
  std::vector<events::v1::Event> paced = MakeEvents(m);
  std::map<std::string, absl::Time> committed;
  testing::Eventually([&] { return recorder.count() >= static_cast<size_t>(n); },
                      absl::Seconds(60));
  for (const auto& e : paced) {
    absl::Status s =
        pg::RunInTransaction(pool, [&](pg::Transaction& tx) { return outbox.Append(tx, e); });
    committed[e.id()] = absl::Now();
    if (!s.ok()) {
      std::cerr << s << "\n";
      return 1;
    }
    absl::SleepFor(absl::Milliseconds(2));
  }
  testing::Eventually([&] { return recorder.count() >= static_cast<size_t>(n + m); },
                      absl::Seconds(60));
  relay.Stop();
  std::vector<double> latencies_ms;
  for (const auto& [id, arrived] : recorder.arrivals()) {
    auto it = committed.find(id);
    if (it != committed.end()) {
      latencies_ms.push_back(absl::ToDoubleMilliseconds(arrived - it->second));
    }
  }
  const size_t measured = latencies_ms.size();
  const double p50 = Percentile(latencies_ms, 50);
  const double p99 = Percentile(latencies_ms, 99);

  std::cout << std::fixed << std::setprecision(1);
  std::cout << "relay benchmark: " << n << " events of " << batch[0].ByteSizeLong() << " bytes, "
            << kPerTransaction << " per transaction\n";
  std::cout << "  baseline plain INSERT (same rows)   " << std::setw(10) << plain_rate
            << " rows/s\n";
  std::cout << "  outbox append (INSERT, then wake)   " << std::setw(10) << append_rate
            << " events/s\n";
  std::cout << "  relay publish to Kafka (acks=all)   " << std::setw(10) << relay_rate
            << " events/s\n";
  std::cout << "  ratio relay / plain INSERT          " << std::setw(10) << std::setprecision(2)
            << relay_rate / plain_rate << "\n";
  std::cout << std::setprecision(1);
  std::cout << "  commit-to-Kafka latency (" << measured << " events, one per transaction)\n"
            << "                                p50 " << std::setw(10) << p50 << " ms\n"
            << "                                p99 " << std::setw(10) << p99 << " ms\n";
  return measured == static_cast<size_t>(m) ? 0 : 1;
}

}  // namespace zp::bench
