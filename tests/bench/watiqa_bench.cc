// WATIQA through the gateway over HTTPS (zp-sgec and zp-watiqa behind zp-gateway, rate limiting
// off): PlaceOrder latency with 50 concurrent citizens (each ordering their own birth act, which
// SGEC is asked about on every order), then public tracking of those orders with the Redis cache
// and, after a restart with --tracking_cache=false, straight from PostgreSQL: the ratio of the two.
#include <iomanip>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "tests/bench/bench.h"
#include "tests/bench/http_load.h"
#include "tests/support/historical_records.h"
#include "tests/support/service_stack.h"
#include "tests/support/test_env.h"
#include "zp/pg/connection.h"

namespace zp::bench {
namespace {

using http_load::Client;
using http_load::Run;
namespace http = boost::beast::http;

std::string Field(const std::string& json, const std::string& key) {
  google::protobuf::Struct s;
  if (!google::protobuf::util::JsonStringToMessage(json, &s).ok()) return "";
  auto it = s.fields().find(key);
  return it == s.fields().end() ? "" : it->second.string_value();
}

std::string Name(int64_t given, int64_t family) {
  return absl::StrCat(R"({"givenName":{"ar":")", testing::RegisterWord(given, true), R"(","fr":")",
                      testing::RegisterWord(given, false), R"("},"familyName":{"ar":")",
                      testing::RegisterWord(family, true), R"(","fr":")",
                      testing::RegisterWord(family, false), R"("}})");
}

// Person `n`, born yesterday in Assilah, registered through the gateway; returns the IDCS.
std::string Registered(testing::ServiceStack& s, int n, const std::string& agent,
                       const std::string& officer) {
  const absl::CivilDay d = absl::ToCivilDay(absl::Now(), absl::UTCTimeZone()) - 1;
  const std::string body = absl::StrCat(
      R"({"bureauCode":"01.511.01.01","birth":{"child":)", Name(n, 5000 + n),
      R"(,"sex":"FEMALE","birthDate":{"year":)", d.year(), R"(,"month":)", d.month(), R"(,"day":)",
      d.day(), R"(},"place":{"communeCode":"01.511.01.01"},"mother":{"name":)",
      Name(9000 + n, 13000 + n), R"(},"declarant":{"name":)", Name(9000 + n, 13000 + n),
      R"(,"relation":"MOTHER"}}})");
  auto declared = s.Call("POST", "/v1/sgec/declarations:birth", agent, body);
  const std::string id = Field(declared.body, "id");
  s.Call("POST", "/v1/sgec/declarations/" + id + ":validate", agent, "{}");
  auto act = s.Call("POST", "/v1/sgec/declarations/" + id + ":register", officer, "{}");
  return Field(act.body, "idcs");
}

// Transactions PostgreSQL counted for database `db` so far (statistics are flushed about once a
// second: wait a little before reading).
int64_t Transactions(const std::string& db) {
  absl::SleepFor(absl::Milliseconds(1500));
  auto conn = pg::Connection::Open(testing::PgServerUrl(), {});
  if (!conn.ok()) return 0;
  auto r = (*conn)->Exec(
      "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = $1", {db});
  return r.ok() && r->rows() > 0 ? r->Int(0, 0) : 0;
}

}  // namespace

int WatiqaBench(const BenchOptions& options) {
  testing::ServiceStack s(
      {{"sgec", "zp.sgec.v1.CivilRegistry", {"--log_level", "warn", "--pg_pool_size", "16"}},
       {"watiqa",
        "zp.watiqa.v1.Orders",
        {"--sgec_address", "{grpc:sgec}", "--log_level", "warn", "--pg_pool_size", "16",
         "--issue_poll_interval", "1h"}}},
      {"--rate_limit", "false"});
  if (!s.WaitReady(absl::Seconds(60))) {
    std::cerr << "watiqa bench: the services did not become ready\n";
    return 1;
  }
  const int clients = 50;
  const std::string agent = s.Token({"civil_agent"}, {"01.511.01.01"});
  const std::string officer = s.Token({"civil_officer"}, {"01.511.01.01"});
  std::vector<std::string> tokens, family_names;
  std::vector<std::string> bodies;
  for (int c = 0; c < clients; ++c) {
    const std::string idcs = Registered(s, c + 1, agent, officer);
    if (idcs.empty()) {
      std::cerr << "watiqa bench: registration " << c << " failed\n";
      return 1;
    }
    tokens.push_back(s.Token({"citizen"}, {}, idcs));
    family_names.push_back(testing::RegisterWord(5000 + c + 1, false));
    bodies.push_back(absl::StrCat(
        R"({"idcs":")", idcs, R"(","kind":"EXTRACT","copies":1,"address":{"countryCode":"MA",)",
        R"("recipient":"Destinataire","city":"Tanger","postalCode":"90000",)",
        R"("lines":["12, rue de Fès"]},"contact":{"email":"citoyen@example.ma"}})"));
  }
  std::cout << "\nwatiqa benchmark: through zp-gateway over HTTPS (keep-alive, rate limiting off), "
            << options.seconds << " s per measurement\n";

  absl::Mutex mu;
  std::vector<std::pair<std::string, std::string>> orders;  // reference, family name
  http_load::Figures place =
      Run("PlaceOrder, 50 clients", s.https(), clients, options.seconds,
          [&](Client& client, std::mt19937&, int c) {
            std::string response;
            int status = client.Call(http::verb::post, "/v1/watiqa/orders", tokens[c], bodies[c],
                                     true, &response);
            if (status == 200) {
              absl::MutexLock lock(&mu);
              orders.emplace_back(Field(response, "reference"), family_names[c]);
            }
            return status;
          });
  if (orders.empty()) return 1;

  auto track = [&](Client& client, std::mt19937& rng, int) {
    const auto& [reference, name] = orders[rng() % orders.size()];
    return client.Call(http::verb::get,
                       absl::StrCat("/v1/watiqa/track/", reference, "?lastName=", name), "", "",
                       false);
  };
  std::cout << "  (" << orders.size() << " orders to track)\n";
  Run("TrackOrder with the cache (warm-up)", s.https(), clients, 3, track);
  const std::string db = s.database("watiqa");
  int64_t before = Transactions(db);
  http_load::Figures cached = Run("TrackOrder with the Redis cache, 50 clients", s.https(), clients,
                                  options.seconds, track);
  const double cached_tx = static_cast<double>(Transactions(db) - before) / cached.calls;

  s.Stop("watiqa");
  s.Start("watiqa", {"--tracking_cache", "false"});
  if (!s.WaitReady(absl::Seconds(60))) {
    std::cerr << "watiqa bench: the service did not come back\n";
    return 1;
  }
  before = Transactions(db);
  http_load::Figures uncached =
      Run("TrackOrder from PostgreSQL, 50 clients", s.https(), clients, options.seconds, track);
  const double uncached_tx = static_cast<double>(Transactions(db) - before) / uncached.calls;
  std::cout << std::fixed << std::setprecision(2)
            << "\n  tracking with cache / without: " << cached.per_second / uncached.per_second
            << "x  (" << cached.per_second << " vs " << uncached.per_second << " req/s)\n"
            << std::setprecision(3) << "  database transactions per tracking request: " << cached_tx
            << " with the cache, " << uncached_tx << " without\n"
            << std::setprecision(2)
            << "  PlaceOrder p99 with 50 concurrent clients: " << place.p99_ms << " ms (p50 "
            << place.p50_ms << " ms, " << place.per_second << " orders/s)\n";
  return 0;
}

}  // namespace zp::bench
