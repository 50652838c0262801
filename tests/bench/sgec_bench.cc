// SGEC: name search and act-by-IDCS latency over a generated register, and registrations per
// second through the service beside pgbench -N on the same server, in the same run.
#include <grpcpp/create_channel.h>

#include <atomic>
#include <iomanip>
#include <iostream>
#include <random>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "services/sgec/src/names.h"
#include "services/sgec/src/registry.h"
#include "services/sgec/src/sgec_service.h"
#include "tests/bench/bench.h"
#include "tests/support/keys.h"
#include "tests/support/subprocess.h"
#include "zp/auth/jwk.h"
#include "zp/core/status.h"
#include "zp/core/uuid.h"
#include "zp/events/relay.h"
#include "zp/metrics/metrics.h"
#include "zp/pg/migrations.h"
#include "zp/rpc/server.h"
#include "zp/sgec/migrations.h"

namespace zp::bench {
namespace {

constexpr char kDatabase[] = "zp_sgec_bench";

struct Name {
  const char* fr;
  const char* ar;
};

// Common Moroccan given names (male then female) and family names, in both scripts.
const std::vector<Name> kGiven = {
    {"Mohamed", "محمد"},   {"Ahmed", "أحمد"},        {"Youssef", "يوسف"},    {"Omar", "عمر"},
    {"Ali", "علي"},        {"Hassan", "حسن"},        {"Hamza", "حمزة"},      {"Amine", "أمين"},
    {"Mehdi", "مهدي"},     {"Karim", "كريم"},        {"Khalid", "خالد"},     {"Rachid", "رشيد"},
    {"Said", "سعيد"},      {"Abdellah", "عبد الله"}, {"Ibrahim", "إبراهيم"}, {"Ismail", "إسماعيل"},
    {"Anas", "أنس"},       {"Ayoub", "أيوب"},        {"Zakaria", "زكرياء"},  {"Bilal", "بلال"},
    {"Othmane", "عثمان"},  {"Soufiane", "سفيان"},    {"Tarik", "طارق"},      {"Yassine", "ياسين"},
    {"Adam", "آدم"},       {"Idriss", "إدريس"},      {"Nabil", "نبيل"},      {"Hicham", "هشام"},
    {"Mustapha", "مصطفى"}, {"Jamal", "جمال"},        {"Fatima", "فاطمة"},    {"Khadija", "خديجة"},
    {"Aicha", "عائشة"},    {"Meryem", "مريم"},       {"Salma", "سلمى"},      {"Sara", "سارة"},
    {"Hajar", "هاجر"},     {"Imane", "إيمان"},       {"Nadia", "نادية"},     {"Zineb", "زينب"},
    {"Hanane", "حنان"},    {"Latifa", "لطيفة"},      {"Samira", "سميرة"},    {"Asmae", "أسماء"},
    {"Houda", "هدى"},      {"Karima", "كريمة"},      {"Najat", "نجاة"},      {"Rajae", "رجاء"},
    {"Loubna", "لبنى"},    {"Yasmine", "ياسمين"},    {"Ghita", "غيثة"},      {"Malak", "ملاك"},
    {"Hiba", "هبة"},       {"Oumaima", "أميمة"},     {"Kawtar", "كوثر"},     {"Siham", "سهام"},
    {"Noura", "نورة"},     {"Btissam", "ابتسام"},    {"Souad", "سعاد"},      {"Wafae", "وفاء"}};
const std::vector<Name> kFamily = {
    {"Alaoui", "العلوي"},        {"Bennani", "بناني"},      {"Idrissi", "الإدريسي"},
    {"Tazi", "التازي"},          {"Fassi", "الفاسي"},       {"Berrada", "برادة"},
    {"Benjelloun", "بنجلون"},    {"Chraibi", "الشرايبي"},   {"Sqalli", "الصقلي"},
    {"Lahlou", "لحلو"},          {"Kettani", "الكتاني"},    {"Amrani", "العمراني"},
    {"Ouazzani", "الوزاني"},     {"Filali", "الفيلالي"},    {"Hassani", "الحسني"},
    {"Mansouri", "المنصوري"},    {"Bouzidi", "البوزيدي"},   {"Naciri", "الناصري"},
    {"Benali", "بنعلي"},         {"Cherkaoui", "الشرقاوي"}, {"Zerouali", "الزروالي"},
    {"Saidi", "السعيدي"},        {"Rami", "الرامي"},        {"Haddad", "الحداد"},
    {"Naji", "الناجي"},          {"Belkadi", "بلقاضي"},     {"Ziani", "الزياني"},
    {"Kabbaj", "القباج"},        {"Guessous", "كسوس"},      {"Sebti", "السبتي"},
    {"Tahiri", "الطاهري"},       {"Rifi", "الريفي"},        {"Doukkali", "الدكالي"},
    {"Soussi", "السوسي"},        {"Jabri", "الجابري"},      {"Bakkali", "البقالي"},
    {"Lamrani", "اللمراني"},     {"Marrakchi", "المراكشي"}, {"Ghazi", "الغازي"},
    {"Hamdaoui", "الحمداوي"},    {"Karimi", "الكريمي"},     {"Mouline", "مولين"},
    {"Raji", "الراجي"},          {"Slaoui", "السلاوي"},     {"Benkirane", "بنكيران"},
    {"Ait Taleb", "آيت الطالب"}, {"Ait Ali", "آيت علي"},    {"Ouali", "الوالي"},
    {"Chafik", "شفيق"},          {"El Khatib", "الخطيب"}};

std::string Array(const std::vector<std::string>& items) {
  std::vector<std::string> quoted;
  for (const auto& s : items) quoted.push_back(absl::StrCat("\"", s, "\""));
  return absl::StrCat("{", absl::StrJoin(quoted, ","), "}");
}

template <typename F>
std::string Column(const std::vector<Name>& names, F f) {
  std::vector<std::string> out;
  for (const Name& n : names) out.push_back(f(n));
  return Array(out);
}

// The search lexemes (services/sgec/src/names.h) of every (given, family) pair, given-major, as
// tsvector literals.
std::string PairLexemes() {
  std::vector<std::string> out;
  for (const Name& g : kGiven) {
    for (const Name& f : kFamily) {
      std::vector<std::string> quoted;
      for (const std::string& lexeme :
           sgec::NameLexemes(sgec::NormalizeName(absl::StrCat(g.ar, " ", f.ar)),
                             sgec::NormalizeName(absl::StrCat(g.fr, " ", f.fr)))) {
        quoted.push_back(absl::StrCat("'", lexeme, "'"));
      }
      out.push_back(absl::StrJoin(quoted, " "));
    }
  }
  return Array(out);
}

// The name keys (services/sgec/src/names.h) of every (given, family) pair, given-major.
std::string PairKeys(bool arabic) {
  std::vector<std::string> keys;
  for (const Name& g : kGiven) {
    for (const Name& f : kFamily) {
      keys.push_back(sgec::NameKey(sgec::NormalizeName(arabic ? absl::StrCat(g.ar, " ", f.ar)
                                                              : absl::StrCat(g.fr, " ", f.fr))));
    }
  }
  return Array(keys);
}

// ISO 7064 MOD 11-10 in SQL, for the generated IDCS (the same algorithm as services/sgec).
constexpr absl::string_view kIdcsFunction = R"sql(
CREATE OR REPLACE FUNCTION bench_idcs(n bigint) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE s text := lpad(n::text, 9, '0'); p int := 10; x int;
BEGIN
  FOR i IN 1..9 LOOP
    x := (p + substr(s, i, 1)::int) % 10;
    IF x = 0 THEN x := 10; END IF;
    p := (2 * x) % 11;
  END LOOP;
  RETURN s || ((11 - p) % 10)::text;
END $$)sql";

// Acts i in [$1, $2]: bureau = one of the communes ($3), event date spread over 1940-2024, given
// and family names from the vocabularies ($4..$11), name keys and search lexemes of every
// (given, family) pair ($12, $13, $14), IDCS from a bijection of i.
constexpr absl::string_view kGenerate = R"sql(
WITH s AS (
  SELECT i, ($3::text[])[1 + i % cardinality($3::text[])] AS b,
         date '1940-01-01' + (i::bigint * 7919 % 31000)::int AS d,
         bench_idcs((i::bigint * 48271) % 999999937) AS x,
         1 + (i * 31 + i / 7) % cardinality($4::text[]) AS g,
         1 + (i * 17 + i / 13) % cardinality($6::text[]) AS f,
         1 + (30 + (i * 13) % 30) AS mg,
         1 + (i * 7 + 3) % cardinality($6::text[]) AS mf
  FROM generate_series($1::int, $2::int) AS i
), d AS (
  INSERT INTO declarations (id, kind, state, duplicate_status, bureau_code, territory, event_date,
    name_ar_norm, name_lat_norm, doc, created_at, updated_at)
  SELECT md5('d' || i)::uuid, 1, 4, 1, b, b, d, '', '', '\x', now(), now() FROM s
  ON CONFLICT DO NOTHING
), r AS (
  INSERT INTO idcs_registry (idcs) SELECT x FROM s ON CONFLICT DO NOTHING
), w AS (
  INSERT INTO name_words (word)
  SELECT DISTINCT unnest(string_to_array(v, ' ')) FROM unnest($8::text[] || $9 || $10 || $11) v
  ON CONFLICT DO NOTHING
)
INSERT INTO acts (id, kind, bureau_code, year, number, territory, idcs, subject_idcs, declaration_id,
  event_date, birth_date, given_ar, family_ar, given_fr, family_fr, name_ar_norm, name_lat_norm,
  mother_ar_norm, mother_lat_norm, original, registered_by, registered_at, name_words,
  name_key_ar, name_key_lat)
SELECT md5('a' || i)::uuid, 1, b, extract(year FROM d)::int, i, b, x, x, md5('d' || i)::uuid, d, d,
  ($5::text[])[g], ($7::text[])[f], ($4::text[])[g], ($6::text[])[f],
  ($9::text[])[g] || ' ' || ($11::text[])[f], ($8::text[])[g] || ' ' || ($10::text[])[f],
  ($9::text[])[mg] || ' ' || ($11::text[])[mf], ($8::text[])[mg] || ' ' || ($10::text[])[mf],
  '\x', 'bench-generator', now(),
  ($14::text[])[(g - 1) * cardinality($6::text[]) + f]::tsvector,
  ($12::text[])[(g - 1) * cardinality($6::text[]) + f],
  ($13::text[])[(g - 1) * cardinality($6::text[]) + f]
FROM s
ON CONFLICT DO NOTHING  -- an IDCS drawn by an earlier run's registrations: that act is skipped
)sql";

struct Latencies {
  absl::Mutex mu;
  std::vector<double> ms;
  int64_t failed = 0;
};

void Print(const std::string& what, Latencies& l, double seconds) {
  const size_t n = l.ms.size();
  std::cout << "  " << std::left << std::setw(28) << what << std::right << std::setw(8)
            << static_cast<double>(n) / seconds << " req/s   p50 " << std::setw(7)
            << Percentile(l.ms, 50) << " ms   p99 " << std::setw(7) << Percentile(l.ms, 99)
            << " ms   (" << n << " calls, " << l.failed << " failed)\n";
}

}  // namespace

int SgecBench(const BenchOptions& options) {
  std::cout << std::fixed << std::setprecision(2);
  // The generated register is kept between runs of one bench stack; a database left by an older
  // schema is dropped and generated again.
  auto migrate = [&]() -> absl::Status {
    RETURN_IF_ERROR(pg::EnsureDatabase(options.pg_url, kDatabase));
    auto conn = pg::Connection::Open(options.pg_url, {{"dbname", kDatabase}});
    if (!conn.ok()) return conn.status();
    ASSIGN_OR_RETURN(std::vector<pg::Migration> migrations, sgec::Migrations());
    return pg::ApplyMigrations(**conn, migrations).status();
  };
  // The generated rows follow the generator: one of another version is generated again.
  constexpr char kGeneratorVersion[] = "bench generator 3";
  auto generated_by = [&]() -> std::string {
    auto conn = pg::Connection::Open(options.pg_url, {{"dbname", kDatabase}});
    if (!conn.ok()) return "";
    auto r = (*conn)->Exec("SELECT coalesce(obj_description('acts'::regclass), '')");
    return r.ok() && r->rows() == 1 ? std::string(r->Text(0, 0)) : "";
  };
  if (!migrate().ok() || generated_by() != kGeneratorVersion) {
    auto admin = pg::Connection::Open(options.pg_url);
    if (admin.ok()) (void)(*admin)->ExecScript(absl::StrCat("DROP DATABASE IF EXISTS ", kDatabase));
    if (auto s = migrate(); !s.ok()) {
      std::cerr << "sgec bench: " << s << "\n";
      return 1;
    }
  }
  {
    auto conn = pg::Connection::Open(options.pg_url, {{"dbname", kDatabase}});
    if (conn.ok()) {
      (void)(*conn)->ExecScript(absl::StrCat("COMMENT ON TABLE acts IS '", kGeneratorVersion, "'"));
    }
  }
  pg::PoolOptions pool_options;
  pool_options.conninfo = options.pg_url;
  pool_options.overrides = {{"dbname", kDatabase}};
  pool_options.size = std::max(8, options.clients);
  pg::Pool pool(pool_options);
  auto ref = *territory::Referential::LoadEmbedded();
  // As in the service: the relay publishes to Kafka while registrations run.
  events::OutboxNotifier notifier(options.pg_url, {{"dbname", kDatabase}});
  events::RelayOptions relay_options;
  relay_options.conninfo = options.pg_url;
  relay_options.overrides = {{"dbname", kDatabase}};
  relay_options.bootstrap_servers = options.kafka_bootstrap;
  events::OutboxRelay relay(relay_options);
  relay.Start();
  sgec::Registry registry(pool, ref, core::SystemClock::Instance(), &notifier);
  if (!registry.SeedBureaus().ok()) return 1;

  // 1. The register: options.acts generated acts (kept between runs of one bench stack).
  std::vector<std::string> communes;
  for (const auto* region : ref->Children("MA")) {
    for (const auto* province : ref->Children(region->code)) {
      for (const auto* commune : ref->Children(province->code)) {
        if (commune->level == territory::Level::kCommune) communes.push_back(commune->code);
      }
    }
  }
  {
    auto conn = pool.Acquire();
    auto have = (*conn)->Exec(
        "SELECT coalesce(max(number), 0) FROM acts WHERE registered_by = 'bench-generator'");
    int64_t existing = have.ok() ? have->Int(0, 0) : 0;
    if (existing < options.acts) {
      absl::Time start = absl::Now();
      std::cout << "sgec bench: generating acts " << existing + 1 << ".." << options.acts << "\n";
      (void)(*conn)->ExecScript(kIdcsFunction);
      (void)(*conn)->ExecScript("DROP INDEX IF EXISTS acts_name_words");
      const std::vector<std::string> arrays = {
          Array(communes),
          Column(kGiven, [](const Name& n) { return std::string(n.fr); }),
          Column(kGiven, [](const Name& n) { return std::string(n.ar); }),
          Column(kFamily, [](const Name& n) { return std::string(n.fr); }),
          Column(kFamily, [](const Name& n) { return std::string(n.ar); }),
          Column(kGiven, [](const Name& n) { return sgec::NormalizeName(n.fr); }),
          Column(kGiven, [](const Name& n) { return sgec::NormalizeName(n.ar); }),
          Column(kFamily, [](const Name& n) { return sgec::NormalizeName(n.fr); }),
          Column(kFamily, [](const Name& n) { return sgec::NormalizeName(n.ar); }),
          PairKeys(false),
          PairKeys(true),
          PairLexemes()};
      for (int64_t from = existing + 1; from <= options.acts; from += 100000) {
        const int64_t to = std::min<int64_t>(from + 99999, options.acts);
        pg::Params params = {from, to};
        for (const auto& a : arrays) params.push_back(a);
        auto r = (*conn)->Exec(kGenerate, params);
        if (!r.ok()) {
          std::cerr << "sgec bench: " << r.status() << "\n";
          return 1;
        }
      }
      for (const char* sql : {"VACUUM ANALYZE declarations", "VACUUM ANALYZE idcs_registry"}) {
        (void)(*conn)->ExecScript(sql);
      }
      std::cout << "sgec bench: generated in " << absl::ToDoubleSeconds(absl::Now() - start)
                << " s\n";
    }
  }

  {
    // The name indexes, built once after loading (faster than row by row).
    auto conn = pool.Acquire();
    for (const char* sql :
         {"SET maintenance_work_mem = '512MB'",
          "CREATE INDEX IF NOT EXISTS acts_name_words ON acts USING gin (name_words)",
          "VACUUM ANALYZE acts"}) {
      if (auto st = (*conn)->ExecScript(sql); !st.ok()) {
        std::cerr << "sgec bench: " << st << "\n";
        return 1;
      }
    }
  }

  // 2. The service in this process, behind gRPC on a local port, with a token of its own.
  testing::EcKeyPair key = testing::GenerateEcKeyPair();
  auth::v1::JsonWebKeySet set;
  *set.add_keys() = *auth::JwkFromPem(key.public_pem, "bench");
  auto verifier = *auth::JwtVerifier::FromJwks(auth::JwksToJson(set), auth::JwtOptions());
  auto signer = *auth::JwtSigner::FromPem(key.private_pem, "bench");
  metrics::Metrics metrics("sgec");
  sgec::CivilRegistryService service(registry, *verifier);
  rpc::ServerOptions server_options;
  server_options.service_name = "sgec";
  server_options.listen_address = "127.0.0.1:0";
  server_options.readiness_check = [&] { return pool.Ping(); };
  rpc::Server server(server_options, metrics);
  server.AddService(&service);
  if (!server.Start().ok()) return 1;
  auto channel = grpc::CreateChannel(absl::StrCat("127.0.0.1:", server.port()),
                                     grpc::InsecureChannelCredentials());
  auto stub = sgec::v1::CivilRegistry::NewStub(channel);
  auto token = [&](std::vector<std::string> roles, std::vector<std::string> territories) {
    auth::TokenClaims claims;
    claims.subject = "bench";
    claims.roles = std::move(roles);
    claims.territories = std::move(territories);
    return "Bearer " + *signer->Sign(claims);
  };
  const std::string national = token({"dgct"}, {"MA"});

  // 3. Searches through the service, options.clients concurrent callers.
  auto run = [&](const std::string& what, int clients,
                 const std::function<grpc::Status(std::mt19937&)>& call) {
    Latencies l;
    std::atomic<bool> stop{false};
    std::vector<std::thread> threads;
    const absl::Time start = absl::Now();
    for (int c = 0; c < clients; ++c) {
      threads.emplace_back([&, c] {
        std::mt19937 rng(c * 7919 + 1);
        std::vector<double> mine;
        int64_t failed = 0;
        while (!stop) {
          absl::Time t0 = absl::Now();
          grpc::Status s = call(rng);
          mine.push_back(absl::ToDoubleMilliseconds(absl::Now() - t0));
          if (!s.ok()) ++failed;
        }
        absl::MutexLock lock(&l.mu);
        l.ms.insert(l.ms.end(), mine.begin(), mine.end());
        l.failed += failed;
      });
    }
    absl::SleepFor(absl::Seconds(options.seconds));
    stop = true;
    for (auto& t : threads) t.join();
    Print(absl::StrCat(what, ", ", clients, clients == 1 ? " client" : " clients"), l,
          absl::ToDoubleSeconds(absl::Now() - start));
  };

  auto count = pool.Exec(pg::Query{"b_count", "SELECT count(*) FROM acts"});
  std::cout << "\nsgec benchmark: " << (count.ok() ? count->Int(0, 0) : 0) << " acts, "
            << options.clients << " concurrent clients, " << options.seconds
            << " s per measurement, through the gRPC service\n  SearchActs by\n";
  for (auto [arabic, clients] : {std::pair{false, 1}, std::pair{false, options.clients},
                                 std::pair{true, 1}, std::pair{true, options.clients}}) {
    run(arabic ? "names (Arabic)" : "names (Latin)", clients, [&](std::mt19937& rng) {
      const Name& g = kGiven[rng() % kGiven.size()];
      const Name& f = kFamily[rng() % kFamily.size()];
      sgec::v1::SearchActsRequest r;
      r.mutable_names()->set_text(arabic ? absl::StrCat(g.ar, " ", f.ar)
                                         : absl::StrCat(g.fr, " ", f.fr));
      grpc::ClientContext ctx;
      ctx.AddMetadata("authorization", national);
      sgec::v1::SearchActsResponse resp;
      return stub->SearchActs(&ctx, r, &resp);
    });
  }
  std::vector<std::string> sample;
  {
    auto rows = pool.Exec(pg::Query{
        "b_sample",
        "SELECT idcs FROM acts TABLESAMPLE SYSTEM (1) WHERE idcs IS NOT NULL LIMIT 5000"});
    for (int i = 0; rows.ok() && i < rows->rows(); ++i) sample.emplace_back(rows->Text(i, 0));
  }
  if (sample.empty()) return 1;
  run("IDCS", options.clients, [&](std::mt19937& rng) {
    sgec::v1::SearchActsRequest r;
    r.set_idcs(sample[rng() % sample.size()]);
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", national);
    sgec::v1::SearchActsResponse resp;
    grpc::Status s = stub->SearchActs(&ctx, r, &resp);
    return s.ok() && resp.results_size() != 1 ? grpc::Status(grpc::StatusCode::INTERNAL, "") : s;
  });

  // 4. Registrations: declarations prepared (declared and validated) in 200 communes' bureaus,
  // then registered through the service by options.clients concurrent officers.
  const int n = options.registrations;
  std::vector<std::pair<std::string, std::string>> ready;  // declaration id, commune
  std::atomic<int> flagged{0};
  {
    absl::Mutex mu;
    std::vector<std::thread> threads;
    const absl::CivilDay today = absl::ToCivilDay(absl::Now(), absl::UTCTimeZone());
    for (int c = 0; c < options.clients; ++c) {
      threads.emplace_back([&, c] {
        std::mt19937 rng(std::random_device{}() + c);  // new people on every run
        for (int i = c; i < n; i += options.clients) {
          const std::string& commune = communes[(i * 7) % 200];
          auth::Principal agent;
          agent.subject = "bench-agent";
          agent.roles = {"civil_agent"};
          agent.territories = {commune};
          const sgec::Caller caller = sgec::Caller::ForPrincipal(agent);
          sgec::v1::DeclareBirthRequest r;
          r.set_request_id(core::NewUuidV7());
          r.set_bureau_code(commune);
          auto* b = r.mutable_birth();
          const Name& g = kGiven[rng() % kGiven.size()];
          const Name& f = kFamily[rng() % kFamily.size()];
          const Name& mg = kGiven[30 + rng() % 30];
          const Name& mf = kFamily[rng() % kFamily.size()];
          b->mutable_child()->mutable_given_name()->set_fr(g.fr);
          b->mutable_child()->mutable_given_name()->set_ar(g.ar);
          b->mutable_child()->mutable_family_name()->set_fr(f.fr);
          b->mutable_child()->mutable_family_name()->set_ar(f.ar);
          b->set_sex(sgec::v1::FEMALE);
          const absl::CivilDay born = today - static_cast<int>(rng() % 25);
          b->mutable_birth_date()->set_year(static_cast<int>(born.year()));
          b->mutable_birth_date()->set_month(born.month());
          b->mutable_birth_date()->set_day(born.day());
          b->mutable_place()->set_commune_code(commune);
          auto* mother = b->mutable_mother()->mutable_name();
          mother->mutable_given_name()->set_fr(mg.fr);
          mother->mutable_given_name()->set_ar(mg.ar);
          mother->mutable_family_name()->set_fr(mf.fr);
          mother->mutable_family_name()->set_ar(mf.ar);
          *b->mutable_declarant()->mutable_name() = *mother;
          b->mutable_declarant()->set_relation(sgec::v1::MOTHER);
          auto d = registry.DeclareBirth(caller, r);
          if (!d.ok()) {
            std::cerr << "sgec bench: declare: " << d.status() << "\n";
            continue;
          }
          if (d->duplicate_status() != sgec::v1::NO_MATCH) {
            ++flagged;
            continue;
          }
          sgec::v1::ValidateDeclarationRequest v;
          v.set_request_id(core::NewUuidV7());
          v.set_id(d->id());
          if (auto validated = registry.ValidateDeclaration(caller, v); !validated.ok()) {
            std::cerr << "sgec bench: validate: " << validated.status() << "\n";
            continue;
          }
          absl::MutexLock lock(&mu);
          ready.emplace_back(d->id(), commune);
        }
      });
    }
    for (auto& t : threads) t.join();
  }
  std::cout << "  prepared " << ready.size() << " validated declarations (" << flagged
            << " flagged as potential duplicates at declaration, left aside)" << std::endl;
  std::map<std::string, std::string> officer_tokens;
  for (const auto& [id, commune] : ready) {
    if (!officer_tokens.contains(commune)) {
      officer_tokens[commune] = token({"civil_officer"}, {commune});
    }
  }
  // Where the registrations' database time goes (pg_stat_statements, when the server loads it:
  // tests/bench/run.sh does).
  auto stats_conn = pg::Connection::Open(options.pg_url, {{"dbname", kDatabase}});
  bool statements = false;
  if (stats_conn.ok()) {
    statements = (*stats_conn)
                     ->ExecScript(
                         "CREATE EXTENSION IF NOT EXISTS pg_stat_statements; "
                         "SELECT pg_stat_statements_reset()")
                     .ok();
  }
  Latencies reg;
  std::atomic<size_t> next{0};
  std::atomic<int64_t> duplicates{0};
  std::vector<std::thread> threads;
  const absl::Time start = absl::Now();
  for (int c = 0; c < options.clients; ++c) {
    threads.emplace_back([&] {
      std::vector<double> mine;
      int64_t failed = 0;
      for (size_t i = next++; i < ready.size(); i = next++) {
        sgec::v1::RegisterActRequest r;
        r.set_request_id(core::NewUuidV7());
        r.set_declaration_id(ready[i].first);
        grpc::ClientContext ctx;
        ctx.AddMetadata("authorization", officer_tokens[ready[i].second]);
        sgec::v1::Act act;
        absl::Time t0 = absl::Now();
        grpc::Status s = stub->RegisterAct(&ctx, r, &act);
        mine.push_back(absl::ToDoubleMilliseconds(absl::Now() - t0));
        if (s.error_code() == grpc::StatusCode::FAILED_PRECONDITION) {
          ++duplicates;  // flagged by the check at registration
        } else if (!s.ok()) {
          ++failed;
        }
      }
      absl::MutexLock lock(&reg.mu);
      reg.ms.insert(reg.ms.end(), mine.begin(), mine.end());
      reg.failed += failed;
    });
  }
  for (auto& t : threads) t.join();
  const double reg_seconds = absl::ToDoubleSeconds(absl::Now() - start);
  const double reg_per_second = static_cast<double>(reg.ms.size()) / reg_seconds;
  Print(absl::StrCat("RegisterAct, ", options.clients, " clients"), reg, reg_seconds);
  std::cout << "    (" << duplicates << " refused as potential duplicates)\n";
  server.Shutdown();
  relay.Stop();
  std::cout << "    (relay published " << relay.stats().published
            << " events to Kafka meanwhile)\n";
  if (statements) {
    auto top =
        (*stats_conn)
            ->Exec(
                "SELECT calls, total_exec_time / $1::float8, mean_exec_time, "
                "left(regexp_replace(query, '\\s+', ' ', 'g'), 70) FROM pg_stat_statements "
                "WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) "
                "ORDER BY total_exec_time DESC LIMIT 8",
                {static_cast<int64_t>(std::max<size_t>(1, reg.ms.size()))});
    if (top.ok()) {
      std::cout << "    database execution per registration, by statement (pg_stat_statements):\n";
      double total = 0;
      for (int i = 0; i < top->rows(); ++i) {
        double per = 0, mean = 0;
        (void)absl::SimpleAtod(top->Text(i, 1), &per);
        (void)absl::SimpleAtod(top->Text(i, 2), &mean);
        total += per;
        std::cout << "      " << std::setw(7) << std::setprecision(3) << per << " ms  ("
                  << top->Text(i, 0) << " calls, mean " << mean << " ms)  " << top->Text(i, 3)
                  << "\n";
      }
      std::cout << "      " << std::setw(7) << total << " ms  in these statements\n"
                << std::setprecision(2);
    }
  }

  // 5. pgbench -N on the same server, same client count, in this run.
  const std::string pgbench_db = "zp_sgec_pgbench";
  (void)pg::EnsureDatabase(options.pg_url, pgbench_db);
  const std::string base = PgbenchCommand(options.pg_url);
  testing::RunCommand(absl::StrCat(base, "-i -s 1 -q ", pgbench_db, " >/dev/null 2>&1"));
  const double pgbench_n =
      PgbenchTps(absl::StrCat(base, " -n -N -M prepared -c ", options.clients, " -j ",
                              options.clients, " -T ", options.seconds, " ", pgbench_db));
  std::cout << "  pgbench -N (simple update, -M prepared) " << std::setw(10) << pgbench_n
            << " tx/s\n";
  std::cout << "  ratio RegisterAct / pgbench -N          " << std::setw(10)
            << (pgbench_n > 0 ? reg_per_second / pgbench_n : 0) << "   (target >= 0.40)\n";
  std::cout << "  targets: name search p99 < 50 ms\n";
  return reg.failed == 0 && pgbench_n > 0 ? 0 : 1;
}

}  // namespace zp::bench
