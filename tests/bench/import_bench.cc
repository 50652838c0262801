// make bench-import: the historical import of N generated records (default 1,000,000) through
// zpctl into the zp-sgec binary (validation, IDCS, keys, mentions, events published to devkafka
// by the relay), beside a plain psql \copy of the same rows into a table shaped like `acts`
// (LIKE acts INCLUDING ALL: its columns, constraints and indexes), in the same run.
#include <atomic>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <set>
#include <thread>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/util/json_util.h"
#include "services/sgec/src/idcs.h"
#include "services/sgec/src/names.h"
#include "services/sgec/src/rules.h"
#include "tests/bench/bench.h"
#include "tests/support/historical_records.h"
#include "tests/support/secrets.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_env.h"
#include "zp/core/uuid.h"
#include "zp/pg/connection.h"
#include "zp/territory/referential.h"

namespace zp::bench {
namespace {

constexpr char kDatabase[] = "zp_sgec_import_bench";

// The COPY text of a value: backslash, tab and newline escaped.
std::string CopyText(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\\' || c == '\t' || c == '\n' || c == '\r') out.push_back('\\');
    out.push_back(c == '\n' ? 'n' : c == '\t' ? 't' : c == '\r' ? 'r' : c);
  }
  return out;
}

// The row `acts` holds for an imported birth, in COPY text format.
std::string ActRow(const sgec::v1::HistoricalRecord& r, const std::string& territory) {
  const auto& b = r.birth();
  const std::string ar = sgec::NormalizeName(
      absl::StrCat(b.child().given_name().ar(), " ", b.child().family_name().ar()));
  const std::string lat = sgec::NormalizeName(
      absl::StrCat(b.child().given_name().fr(), " ", b.child().family_name().fr()));
  const std::string mother_ar = sgec::NormalizeName(
      absl::StrCat(b.mother().name().given_name().ar(), " ", b.mother().name().family_name().ar()));
  const std::string mother_lat = sgec::NormalizeName(
      absl::StrCat(b.mother().name().given_name().fr(), " ", b.mother().name().family_name().fr()));
  std::vector<std::string> words;
  for (const std::string& w : sgec::NameLexemes(ar, lat))
    words.push_back(absl::StrCat("'", w, "'"));
  // Distinct, as the service's idcs_registry makes them (10^9 identifiers: a million draws
  // collide a few hundred times).
  static std::set<std::string> drawn;
  std::string idcs = sgec::NewIdcs();
  while (!drawn.insert(idcs).second) idcs = sgec::NewIdcs();
  std::vector<std::string> cols = {
      core::NewUuidV7(),
      "1",
      r.bureau_code(),
      absl::StrCat(r.year()),
      absl::StrCat(r.number()),
      territory,
      idcs,
      idcs,
      "",
      "",
      sgec::DateText(b.birth_date()),
      sgec::DateText(b.birth_date()),
      b.child().given_name().ar(),
      b.child().family_name().ar(),
      b.child().given_name().fr(),
      b.child().family_name().fr(),
      ar,
      lat,
      mother_ar,
      mother_lat,
      absl::StrCat("\\x", absl::BytesToHexString(b.SerializeAsString())),
      "bench",
      absl::StrCat(sgec::DateText(r.registration_date()), " 00:00:00+01"),
      absl::StrJoin(words, " "),
      sgec::NameKey(ar),
      sgec::NameKey(lat),
      "f",
      "2",
      r.scan_reference(),
      absl::StrCat("\\x", absl::BytesToHexString(std::string(32, 'x')))};
  for (auto& c : cols) c = CopyText(c);
  return absl::StrJoin(cols, "\t");
}

constexpr char kCopyColumns[] =
    "id, kind, bureau_code, year, number, territory, idcs, subject_idcs, father_idcs, "
    "mother_idcs, event_date, birth_date, given_ar, family_ar, given_fr, family_fr, "
    "name_ar_norm, name_lat_norm, mother_ar_norm, mother_lat_norm, original, registered_by, "
    "registered_at, name_words, name_key_ar, name_key_lat, deceased, origin, scan_reference, "
    "content_digest";

}  // namespace

int ImportBench(const BenchOptions& options) {
  std::cout << std::fixed << std::setprecision(2);
  const int64_t n = options.records;
  auto ref = *territory::Referential::LoadEmbedded();
  std::vector<std::string> communes;
  for (const auto* region : ref->Children("MA")) {
    for (const auto* province : ref->Children(region->code)) {
      for (const auto* commune : ref->Children(province->code)) {
        if (commune->level == territory::Level::kCommune) communes.push_back(commune->code);
      }
    }
  }
  const int64_t bureaus = std::min<int64_t>(1000, static_cast<int64_t>(communes.size()));
  constexpr int64_t kYears = 40;  // 1960 .. 1999

  // 1. The file: record i is birth number i / (bureaus * years) + 1 of its bureau and year, and
  // the same rows as COPY text.
  const std::string dir = std::filesystem::temp_directory_path() / "zp-import-bench";
  std::filesystem::create_directories(dir);
  const std::string ndjson = dir + "/records.ndjson";
  const std::string copy = dir + "/acts.copy";
  absl::Time t0 = absl::Now();
  {
    std::ofstream out(ndjson), rows(copy);
    std::string line;
    for (int64_t i = 0; i < n; ++i) {
      const std::string& bureau = communes[i % bureaus];
      const int year = 1960 + static_cast<int>((i / bureaus) % kYears);
      const int number = static_cast<int>(i / (bureaus * kYears)) + 1;
      sgec::v1::HistoricalRecord r = testing::HistoricalBirth(bureau, year, number, i);
      line.clear();
      (void)google::protobuf::util::MessageToJsonString(r, &line);
      out << line << '\n';
      rows << ActRow(r, bureau) << '\n';
    }
  }
  std::cout << "historical import: " << n << " generated records ("
            << std::filesystem::file_size(ndjson) / (1 << 20) << " MiB of NDJSON) in "
            << absl::ToDoubleSeconds(absl::Now() - t0) << " s\n";

  // 2. A fresh database and the zp-sgec binary on it, its relay publishing to devkafka.
  {
    auto admin = pg::Connection::Open(options.pg_url);
    if (!admin.ok()) return 1;
    (void)(*admin)->ExecScript(absl::StrCat("DROP DATABASE IF EXISTS ", kDatabase));
  }
  testing::Secrets secrets;
  const int port = testing::FreePort();
  const std::string address = absl::StrCat("127.0.0.1:", port);
  testing::Subprocess service(
      {testing::BinaryDir() + "/services/sgec/zp-sgec", "--grpc_address", address,
       "--partner_address", "", "--metrics_address",
       absl::StrCat("127.0.0.1:", testing::FreePort()), "--jwks_file", secrets.jwks(), "--pg_url",
       options.pg_url, "--pg_database", kDatabase, "--kafka_bootstrap", options.kafka_bootstrap,
       "--log_level", "warn", "--document_key_file", secrets.document_key("sgec")},
      {}, dir + "/sgec.log");
  auto conn = [&]() { return pg::Connection::Open(options.pg_url, {{"dbname", kDatabase}}); };
  // A count from the bench database; -1 when it cannot be read.
  auto count = [&](const std::string& sql) -> int64_t {
    auto c = conn();
    if (!c.ok()) return -1;
    auto r = (*c)->Exec(sql);
    return r.ok() ? r->Int(0, 0) : -1;
  };
  if (!testing::Eventually([&] { return count("SELECT count(*) FROM bureaus") > 1000; },
                           absl::Seconds(30))) {
    std::cerr << "import bench: zp-sgec did not start (log: " << dir << "/sgec.log)\n";
    return 1;
  }
  auth::TokenClaims claims;
  claims.subject = "bench-importer";
  claims.roles = {"dgct"};
  claims.territories = {"MA"};
  auto token = secrets.Signer()->Sign(claims);
  if (!token.ok()) return 1;

  // 3. zpctl sgec import, timed from start to summary, with the outbox's size sampled meanwhile.
  std::atomic<bool> importing{true};
  std::atomic<int64_t> outbox_peak{0};
  std::thread sampler([&] {
    while (importing.load()) {
      outbox_peak.store(std::max(outbox_peak.load(), count("SELECT count(*) FROM outbox")));
      absl::SleepFor(absl::Milliseconds(200));
    }
  });
  t0 = absl::Now();
  setenv("ZP_TOKEN", token->c_str(), 1);  // by environment: not in the process list
  const std::string summary = testing::CommandOutput(
      absl::StrCat(testing::BinaryDir(), "/tools/zpctl/zpctl sgec import ", ndjson, " --address ",
                   address, " --json=true 2>", dir, "/zpctl.log"));
  const double import_seconds = absl::ToDoubleSeconds(absl::Now() - t0);
  importing.store(false);
  sampler.join();
  const int64_t accepted = count("SELECT count(*) FROM acts");
  std::cout << "  zpctl sgec import        " << std::setw(10) << import_seconds << " s   "
            << std::setw(10) << n / import_seconds << " records/s   (" << accepted
            << " acts; summary " << summary.substr(0, summary.find('\n')) << ")\n";
  // The events of the import, published by the relay.
  t0 = absl::Now();
  testing::Eventually([&] { return count("SELECT count(*) FROM outbox") == 0; }, absl::Minutes(10));
  std::cout << "  outbox drained " << absl::ToDoubleSeconds(absl::Now() - t0)
            << " s after the import's end; at most " << outbox_peak.load()
            << " unpublished events during the import (limit 50,000)\n";

  // 4. The baseline: psql \copy of the same rows into a table shaped like acts.
  {
    auto c = conn();
    if (!c.ok() || !(*c)->ExecScript("DROP TABLE IF EXISTS acts_copy; "
                                     "CREATE TABLE acts_copy (LIKE acts INCLUDING ALL)")
                        .ok()) {
      return 1;
    }
  }
  const std::string psql =
      absl::StrCat("psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p ",
                   options.pg_url.substr(options.pg_url.rfind(':') + 1,
                                         options.pg_url.rfind('/') - options.pg_url.rfind(':') - 1),
                   " -U zp -d ", kDatabase);
  t0 = absl::Now();
  const int copied = testing::RunCommand(
      absl::StrCat(psql, " -c \"\\copy acts_copy (", kCopyColumns, ") FROM '", copy, "'\""));
  const double copy_seconds = absl::ToDoubleSeconds(absl::Now() - t0);
  const int64_t copy_rows = count("SELECT count(*) FROM acts_copy");
  std::cout << "  psql \\copy into LIKE acts " << std::setw(9) << copy_seconds << " s   "
            << std::setw(10) << copy_rows / copy_seconds << " rows/s   (" << copy_rows
            << " rows)\n";
  const double ratio = (n / import_seconds) / (copy_rows / copy_seconds);
  std::cout << "  ratio import / COPY      " << std::setw(10) << ratio << "   (target >= 0.30)\n";
  service.Stop(SIGTERM);
  std::filesystem::remove(ndjson);
  std::filesystem::remove(copy);
  return copied == 0 && accepted == n ? 0 : 1;
}

}  // namespace zp::bench
