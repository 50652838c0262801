#include <signal.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <map>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "google/protobuf/wrappers.pb.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_env.h"
#include "zp/core/status.h"
#include "zp/events/consumer.h"
#include "zp/events/event.h"
#include "zp/events/outbox.h"
#include "zp/events/relay.h"
#include "zp/pg/migrations.h"
#include "zp/pg/test_database.h"
#include "zp/pg/transaction.h"

namespace zp::events {
namespace {

constexpr pg::Query kRecordEffect{"t_effect",
                                  "INSERT INTO applied (event_id, key, seq) VALUES ($1, $2, $3)"};
constexpr pg::Query kCountApplied{"t_applied",
                                  "SELECT count(*), count(DISTINCT event_id) FROM applied"};
constexpr pg::Query kCountOutbox{"t_outbox", "SELECT count(*) FROM outbox"};

// A service database with the outbox schema and an `applied` table where the consumer's handler
// records every effect, in order.
class EventsFixture {
 public:
  explicit EventsFixture(std::string bootstrap = testing::KafkaBootstrap())
      : bootstrap_(std::move(bootstrap)), topic_(testing::UniqueName("zp.test.")) {
    auto db = pg::TestDatabase::Create();
    INFO(db.status().ToString());
    REQUIRE(db.ok());
    db_ = *std::move(db);
    pool_ = std::make_unique<pg::Pool>(db_->pool_options(6));
    auto conn = pg::Connection::Open(db_->server_url(), db_->overrides());
    REQUIRE(conn.ok());
    std::vector<pg::Migration> migrations = Migrations();
    migrations.push_back(
        {"test", 1, "0001_applied.sql",
         "CREATE TABLE applied (pos bigserial PRIMARY KEY, event_id uuid NOT NULL, "
         "key text NOT NULL, seq bigint NOT NULL)"});
    REQUIRE(pg::ApplyMigrations(**conn, migrations).ok());
  }

  // Appends `count` events over `keys` keys, `per_tx` per transaction; seq counts per key.
  void Append(int count, int keys, int per_tx = 100, OutboxNotifier* notifier = nullptr) {
    Outbox outbox(topic_, notifier);
    EventContext ctx{"test", "system:test", "MA", "", ""};
    for (int start = 0; start < count; start += per_tx) {
      absl::Status s = pg::RunInTransaction(*pool_, [&](pg::Transaction& tx) -> absl::Status {
        for (int i = start; i < std::min(count, start + per_tx); ++i) {
          std::string key = absl::StrCat("k", i % keys);
          google::protobuf::Int64Value payload;
          payload.set_value(next_seq_[key] + (i - start) / keys);
          RETURN_IF_ERROR(outbox.Append(tx, NewEvent(ctx, key, payload)));
        }
        return absl::OkStatus();
      });
      REQUIRE(s.ok());
      for (int i = start; i < std::min(count, start + per_tx); ++i) {
        ++next_seq_[absl::StrCat("k", i % keys)];
      }
    }
  }

  RelayOptions relay_options() const {
    RelayOptions o;
    o.conninfo = db_->server_url();
    o.overrides = db_->overrides();
    o.bootstrap_servers = bootstrap_;
    o.poll_interval = absl::Milliseconds(500);
    o.delivery_timeout = absl::Seconds(60);
    return o;
  }

  std::unique_ptr<Consumer> StartConsumer(
      std::function<absl::Status(const v1::Event&)> extra = {}) {
    ConsumerOptions o;
    o.bootstrap_servers = bootstrap_;
    o.group_id = testing::UniqueName("test-group-");
    o.topics = {topic_};
    o.max_backoff = absl::Milliseconds(500);
    auto consumer = std::make_unique<Consumer>(
        o, *pool_, [extra](pg::Transaction& tx, const v1::Event& e) -> absl::Status {
          if (extra) {
            RETURN_IF_ERROR(extra(e));
          }
          google::protobuf::Int64Value payload;
          if (!payload.ParseFromString(e.payload())) {
            return absl::InvalidArgumentError("bad payload");
          }
          return tx.Exec(kRecordEffect, {e.id(), e.subject(), payload.value()}).status();
        });
    REQUIRE(consumer->Start().ok());
    return consumer;
  }

  // {rows, distinct event ids} in `applied`.
  std::pair<int64_t, int64_t> Applied() {
    auto r = pool_->Exec(kCountApplied);
    return r.ok() ? std::make_pair(r->Int(0, 0), r->Int(0, 1)) : std::make_pair(-1L, -1L);
  }
  int64_t OutboxRows() {
    auto r = pool_->Exec(kCountOutbox);
    return r.ok() ? r->Int(0, 0) : -1;
  }
  // Every key's effects were applied in the order the events were appended.
  void CheckOrderPerKey() {
    auto r = pool_->Exec(pg::Query{"t_order", "SELECT key, seq FROM applied ORDER BY pos"});
    REQUIRE(r.ok());
    std::map<std::string, int64_t> last;
    int out_of_order = 0;
    for (int i = 0; i < r->rows(); ++i) {
      std::string key(r->Text(i, 0));
      int64_t seq = r->Int(i, 1);
      auto it = last.find(key);
      if (it != last.end() && seq != it->second + 1) {
        ++out_of_order;
      } else if (it == last.end() && seq != 0) {
        ++out_of_order;
      }
      last[key] = seq;
    }
    CHECK(out_of_order == 0);
  }

  const std::string& topic() const { return topic_; }
  pg::TestDatabase& db() { return *db_; }
  pg::Pool* pool() { return pool_.get(); }

 private:
  std::string bootstrap_;
  std::string topic_;
  std::unique_ptr<pg::TestDatabase> db_;
  std::unique_ptr<pg::Pool> pool_;
  std::map<std::string, int64_t> next_seq_;
};

TEST_CASE("events: 10,000 events go outbox -> relay -> Kafka -> consumer, none lost or doubled",
          "[integration][events]") {
  EventsFixture f;
  f.Append(10000, 50);
  auto consumer = f.StartConsumer();
  OutboxRelay relay(f.relay_options());
  relay.Start();
  bool done = testing::Eventually([&] { return f.Applied().first >= 10000; }, absl::Seconds(180));
  // Let any stray duplicate arrive before counting.
  absl::SleepFor(absl::Milliseconds(500));
  relay.Stop();
  consumer->Stop();
  REQUIRE(done);
  auto [rows, distinct] = f.Applied();
  CHECK(rows == 10000);
  CHECK(distinct == 10000);
  CHECK(f.OutboxRows() == 0);
  CHECK(relay.stats().published == 10000);
  CHECK(consumer->stats().applied == 10000);
  f.CheckOrderPerKey();
}

TEST_CASE(
    "events: a relay killed between delivery and delete loses nothing, the redelivery "
    "has no effect",
    "[integration][events]") {
  EventsFixture f;
  f.Append(3000, 20);
  auto consumer = f.StartConsumer();
  const std::string log = absl::StrCat("/tmp/", testing::UniqueName("relay-worker-"), ".log");
  std::vector<std::string> argv = {testing::BinaryDir() + "/tests/relay_worker",
                                   "--pg_url",
                                   f.db().server_url(),
                                   "--dbname",
                                   f.db().name(),
                                   "--bootstrap",
                                   testing::KafkaBootstrap(),
                                   "--batch_size",
                                   "1000",
                                   "--hold_before_delete_ms",
                                   "10000"};
  {
    testing::Subprocess first(argv, {}, log);
    bool holding = testing::Eventually(
        [&] {
          std::ifstream in(log);
          std::stringstream ss;
          ss << in.rdbuf();
          return ss.str().find("hold 1000") != std::string::npos;
        },
        absl::Seconds(60));
    REQUIRE(holding);
    first.Stop(SIGKILL);  // its batch is in Kafka, and still in the outbox
  }
  CHECK(f.OutboxRows() == 3000);
  argv.resize(argv.size() - 2);
  testing::Subprocess second(argv, {}, log);
  bool done = testing::Eventually(
      [&] {
        return f.OutboxRows() == 0 && f.Applied().first >= 3000 &&
               consumer->stats().duplicates >= 1000;
      },
      absl::Seconds(120));
  absl::SleepFor(absl::Milliseconds(500));
  second.Stop(SIGTERM);
  consumer->Stop();
  std::remove(log.c_str());
  REQUIRE(done);
  auto [rows, distinct] = f.Applied();
  CHECK(rows == 3000);
  CHECK(distinct == 3000);
  // The killed batch was delivered twice; the second delivery changed nothing.
  CHECK(consumer->stats().duplicates >= 1000);
  CHECK(consumer->stats().applied == 3000);
  f.CheckOrderPerKey();
}

TEST_CASE("events: Kafka away for 10 s: events wait in the outbox and arrive in order per key",
          "[integration][events]") {
  const std::string run = absl::StrCat("/tmp/", testing::UniqueName("devkafka-"));
  REQUIRE(testing::RunCommand("mkdir -p " + run) == 0);
  testing::Subprocess kafka(
      {testing::BinaryDir() + "/tools/devkafka/devkafka", "--bootstrap_file", run + "/bootstrap"},
      {}, run + "/devkafka.log");
  std::string bootstrap;
  REQUIRE(testing::Eventually(
      [&] {
        auto b = ReadBootstrapFile(run + "/bootstrap");
        bootstrap = b.ok() ? *b : "";
        return !bootstrap.empty();
      },
      absl::Seconds(20)));
  EventsFixture f(bootstrap);
  auto consumer = f.StartConsumer();
  OutboxRelay relay(f.relay_options());
  relay.Start();
  f.Append(100, 10, 10);
  REQUIRE(testing::Eventually([&] { return f.Applied().first == 100; }, absl::Seconds(60)));

  kafka.Signal(SIGUSR1);  // every broker down
  absl::Time down_at = absl::Now();
  for (int i = 0; i < 30; ++i) {
    f.Append(10, 10, 10);
    absl::SleepFor(absl::Milliseconds(100));
  }
  absl::SleepFor(down_at + absl::Seconds(10) - absl::Now());
  CHECK(f.Applied().first == 100);
  CHECK(f.OutboxRows() == 300);
  kafka.Signal(SIGUSR2);  // back

  bool done = testing::Eventually([&] { return f.Applied().first >= 400 && f.OutboxRows() == 0; },
                                  absl::Seconds(120));
  absl::SleepFor(absl::Milliseconds(500));
  relay.Stop();
  consumer->Stop();
  kafka.Stop(SIGTERM);
  testing::RunCommand("rm -rf " + run);
  REQUIRE(done);
  auto [rows, distinct] = f.Applied();
  CHECK(rows == 400);
  CHECK(distinct == 400);
  f.CheckOrderPerKey();
}

TEST_CASE("events: the notifier wakes the relay after commit, long before its polling would",
          "[integration][events]") {
  EventsFixture f;
  RelayOptions options = f.relay_options();
  options.poll_interval = absl::Seconds(60);
  OutboxNotifier notifier(options.conninfo, options.overrides);
  OutboxRelay relay(options);
  relay.Start();
  REQUIRE(testing::Eventually([&] { return relay.stats().leader; }, absl::Seconds(10)));
  absl::SleepFor(absl::Milliseconds(300));  // the relay's first pass is over: it now waits
  f.Append(5, 1, 5, &notifier);
  CHECK(testing::Eventually([&] { return relay.stats().published == 5; }, absl::Seconds(10)));
  CHECK(notifier.sent() >= 1);
  CHECK(f.OutboxRows() == 0);

  // A transaction that rolls back wakes nobody.
  const int64_t sent = notifier.sent();
  {
    auto tx = pg::Transaction::Begin(*f.pool());
    REQUIRE(tx.ok());
    Outbox outbox(f.topic(), &notifier);
    google::protobuf::Int64Value payload;
    REQUIRE(outbox.Append(*tx, NewEvent({"test", "system:test", "MA", "", ""}, "k", payload)).ok());
    REQUIRE(tx->Rollback().ok());
  }
  absl::SleepFor(absl::Milliseconds(100));
  CHECK(notifier.sent() == sent);
  relay.Stop();
}

TEST_CASE("events: one relay leads, when it stops another takes over", "[integration][events]") {
  EventsFixture f;
  auto a = std::make_unique<OutboxRelay>(f.relay_options());
  auto b = std::make_unique<OutboxRelay>(f.relay_options());
  a->Start();
  REQUIRE(testing::Eventually([&] { return a->stats().leader; }, absl::Seconds(10)));
  b->Start();
  absl::SleepFor(absl::Seconds(1));
  CHECK_FALSE(b->stats().leader);
  f.Append(200, 5);
  REQUIRE(testing::Eventually([&] { return f.OutboxRows() == 0; }, absl::Seconds(30)));
  CHECK(a->stats().published == 200);
  CHECK(b->stats().published == 0);
  a.reset();  // the leader goes away; its session lock is released
  REQUIRE(testing::Eventually([&] { return b->stats().leader; }, absl::Seconds(10)));
  f.Append(50, 5);
  REQUIRE(testing::Eventually([&] { return f.OutboxRows() == 0; }, absl::Seconds(30)));
  CHECK(b->stats().published == 50);
}

TEST_CASE("events: a failing handler is retried in place, nothing after it is applied first",
          "[integration][events]") {
  EventsFixture f;
  f.Append(40, 1, 40);  // one key, so one partition, in order
  std::atomic<int> refusals{0};
  auto consumer = f.StartConsumer([&](const v1::Event& e) -> absl::Status {
    google::protobuf::Int64Value p;
    p.ParseFromString(e.payload());
    if (p.value() == 10 && refusals < 3) {
      ++refusals;
      return absl::UnavailableError("downstream not ready");
    }
    return absl::OkStatus();
  });
  OutboxRelay relay(f.relay_options());
  relay.Start();
  bool done = testing::Eventually([&] { return f.Applied().first >= 40; }, absl::Seconds(60));
  relay.Stop();
  consumer->Stop();
  REQUIRE(done);
  CHECK(refusals == 3);
  CHECK(consumer->stats().failures >= 3);
  CHECK(f.Applied().first == 40);
  f.CheckOrderPerKey();
}

}  // namespace
}  // namespace zp::events
