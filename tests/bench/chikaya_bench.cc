// CHIKAYA through the gateway over HTTPS: submissions per second with 50 concurrent clients
// (each on its own keep-alive TLS connection, every request with its own Idempotency-Key), then
// Stats latency with 1,000,000 complaints in the database.
#include <iomanip>
#include <iostream>
#include <random>

#include "absl/strings/str_cat.h"
#include "tests/bench/bench.h"
#include "tests/bench/http_load.h"
#include "tests/support/service_stack.h"
#include "tests/support/test_env.h"
#include "zp/pg/connection.h"
#include "zp/territory/referential.h"

namespace zp::bench {
namespace {

using http_load::Client;
using http_load::Run;
namespace http = boost::beast::http;

// 1,000,000 complaints over a year, spread over the communes; the statistics rows that the
// consumer would have written for them, at the four levels.
constexpr absl::string_view kGenerate = R"sql(
INSERT INTO complaints (id, reference, kind, state, authority_code, province_code, region_code,
  submitter_kind, submitter, created_at, acknowledge_due, answer_due, overdue, doc)
SELECT md5('c' || i)::uuid, 'CHK-GEN-' || i, 1 + i % 3, (ARRAY[1,2,3,4,5,6,7])[1 + i % 7],
       ($1::text[])[1 + i % cardinality($1::text[])], ($2::text[])[1 + i % cardinality($1::text[])],
       ($3::text[])[1 + i % cardinality($1::text[])], 1, 'citizen-' || (i % 50000),
       timestamptz '2025-01-01' + (i % 365) * interval '1 day',
       timestamptz '2025-01-16' + (i % 365) * interval '1 day',
       timestamptz '2025-03-02' + (i % 365) * interval '1 day', i % 11 = 0, '\x'
FROM generate_series($4::int, $5::int) AS i)sql";

constexpr absl::string_view kAggregate = R"sql(
INSERT INTO complaint_stats AS s (territory, period, kind, received, answered, answered_within,
                                  overdue_now, rating_sum, rating_count)
SELECT l.t, to_char(c.created_at, 'YYYY-MM'), c.kind, count(*),
       count(*) FILTER (WHERE c.state IN (5, 6, 7)),
       count(*) FILTER (WHERE c.state IN (5, 6, 7) AND NOT c.overdue),
       count(*) FILTER (WHERE c.overdue AND c.state IN (1, 2, 3, 4)), 0, 0
FROM complaints c,
     LATERAL (VALUES (c.authority_code), (c.province_code), (c.region_code), ('MA')) AS l(t)
WHERE c.reference LIKE 'CHK-GEN-%' AND l.t <> ''
GROUP BY 1, 2, 3
ON CONFLICT (territory, period, kind) DO UPDATE SET received = s.received + excluded.received,
  answered = s.answered + excluded.answered,
  answered_within = s.answered_within + excluded.answered_within,
  overdue_now = s.overdue_now + excluded.overdue_now)sql";

}  // namespace

int ChikayaBench(const BenchOptions& options) {
  std::cout << std::fixed << std::setprecision(2);
  testing::ServiceStack s("chikaya", "zp.chikaya.v1.Complaints",
                          {"--scheduler_interval", "1h", "--log_level", "warn"},
                          {"--rate_limit", "false"});
  if (!s.WaitReady()) {
    std::cerr << "chikaya bench: the service did not become ready\n";
    return 1;
  }
  const int clients = 50;
  std::vector<std::string> citizens;
  for (int c = 0; c < clients; ++c) citizens.push_back(s.Token({"citizen"}));
  std::cout << "\nchikaya benchmark: through zp-gateway over HTTPS (keep-alive, rate limiting "
               "off), "
            << options.seconds << " s per measurement\n";
  const std::string body =
      R"({"kind":"COMPLAINT","category":"lighting","authorityCode":"01.511.01.01",)"
      R"("subject":"Éclairage en panne","description":"الإنارة العمومية معطلة منذ أسبوع — )"
      R"(l'éclairage de la rue est en panne.","location":{"latitude":35.465,"longitude":-6.034}})";
  Run("Submit, 50 clients", s.https(), clients, options.seconds,
      [&](Client& client, std::mt19937&, int c) {
        return client.Call(http::verb::post, "/v1/chikaya/complaints", citizens[c], body, true);
      });

  // 1,000,000 complaints in the database.
  auto conn = pg::Connection::Open(testing::PgServerUrl(), {{"dbname", s.database()}});
  if (!conn.ok()) return 1;
  auto ref = *territory::Referential::LoadEmbedded();
  std::vector<std::string> communes, provinces, regions;
  for (const auto* region : ref->Children("MA")) {
    for (const auto* province : ref->Children(region->code)) {
      for (const auto* commune : ref->Children(province->code)) {
        if (commune->level != territory::Level::kCommune) continue;
        communes.push_back(commune->code);
        provinces.push_back(province->code);
        regions.push_back(region->code);
      }
    }
  }
  const absl::Time gen = absl::Now();
  for (int from = 1; from <= options.acts; from += 200000) {
    const int to = std::min(from + 199999, options.acts);
    auto r = (*conn)->Exec(kGenerate, {pg::TextArray(communes), pg::TextArray(provinces),
                                       pg::TextArray(regions), from, to});
    if (!r.ok()) {
      std::cerr << "chikaya bench: " << r.status() << "\n";
      return 1;
    }
  }
  if (auto r = (*conn)->Exec(kAggregate); !r.ok()) {
    std::cerr << "chikaya bench: " << r.status() << "\n";
    return 1;
  }
  (void)(*conn)->ExecScript("VACUUM ANALYZE complaints");
  (void)(*conn)->ExecScript("VACUUM ANALYZE complaint_stats");
  auto count = (*conn)->Exec("SELECT count(*) FROM complaints");
  std::cout << "  (" << (count.ok() ? count->Int(0, 0) : 0) << " complaints in the database, "
            << absl::ToDoubleSeconds(absl::Now() - gen) << " s to generate)\n";

  const std::string national = s.Token({"dgct"}, {"MA"});
  Run("Stats (random territory, a year), 8 clients", s.https(), 8, options.seconds,
      [&](Client& client, std::mt19937& rng, int) {
        const char* levels[] = {"MA", "", "", ""};
        std::string territory = levels[rng() % 4];
        if (territory.empty()) {
          size_t i = rng() % communes.size();
          territory = (rng() % 3 == 0) ? communes[i] : (rng() % 2 ? provinces[i] : regions[i]);
        }
        return client.Call(http::verb::get,
                           absl::StrCat("/v1/chikaya/stats?territoryCode=", territory,
                                        "&periodFrom=2025-01&periodTo=2025-12"),
                           national, "", false);
      });
  return 0;
}

}  // namespace zp::bench
