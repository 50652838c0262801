// Single-row INSERT transactions per second through zp::pg::Pool, beside pgbench with the same
// number of clients against the same server in the same run.
#include <atomic>
#include <cstdio>
#include <iomanip>
#include <iostream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "tests/bench/bench.h"
#include "tests/support/subprocess.h"
#include "zp/pg/test_database.h"
#include "zp/pg/transaction.h"

namespace zp::bench {
namespace {

constexpr pg::Query kInsert{"b_insert",
                            "INSERT INTO bench_rows (client, n, note) VALUES ($1, $2, $3)"};

}  // namespace

double PgbenchTps(const std::string& command) {
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) {
    return 0;
  }
  std::string output;
  char buf[512];
  while (fgets(buf, sizeof(buf), pipe) != nullptr) {
    output += buf;
  }
  pclose(pipe);
  size_t pos = output.find("tps = ");
  if (pos == std::string::npos) {
    std::cerr << output;
    return 0;
  }
  return std::atof(output.c_str() + pos + 6);
}

std::string PgbenchCommand(const std::string& pg_url) {
  size_t at = pg_url.rfind(':');
  const std::string port = pg_url.substr(at + 1, pg_url.find('/', at) - at - 1);
  return absl::StrCat("/usr/lib/postgresql/15/bin/pgbench -h 127.0.0.1 -p ", port, " -U zp ");
}

int PoolBench(const BenchOptions& options) {
  auto db = pg::TestDatabase::Create(options.pg_url);
  if (!db.ok()) {
    std::cerr << db.status() << "\n";
    return 1;
  }
  pg::Pool pool((*db)->pool_options(options.clients));
  if (!pool.Exec(pg::Query{"b_create",
                           "CREATE TABLE bench_rows (id bigserial PRIMARY KEY, client int, n int, "
                           "note text, at timestamptz DEFAULT now())"})
           .ok()) {
    std::cerr << "bench: cannot create the table\n";
    return 1;
  }

  std::atomic<bool> stop{false};
  std::atomic<int64_t> done{0};
  std::atomic<int64_t> failed{0};
  std::vector<std::thread> clients;
  absl::Time start = absl::Now();
  for (int c = 0; c < options.clients; ++c) {
    clients.emplace_back([&, c] {
      int n = 0;
      while (!stop) {
        absl::Status s = pg::RunInTransaction(pool, [&](pg::Transaction& tx) {
          return tx.Exec(kInsert, {c, n++, "single-row insert"}).status();
        });
        (s.ok() ? done : failed)++;
      }
    });
  }
  absl::SleepFor(absl::Seconds(options.seconds));
  stop = true;
  for (auto& t : clients) {
    t.join();
  }
  const double pool_tps = static_cast<double>(done) / absl::ToDoubleSeconds(absl::Now() - start);

  // pgbench on the same database and server, same client count.
  const std::string base = PgbenchCommand(options.pg_url);
  const std::string script = absl::StrCat("/tmp/", (*db)->name(), ".sql");
  {
    FILE* f = fopen(script.c_str(), "w");
    // The same transaction shape as the pool's: BEGIN, one INSERT, COMMIT.
    fputs(
        "BEGIN;\nINSERT INTO bench_rows (client, n, note) VALUES (:client_id, 0, "
        "'single-row insert');\nEND;\n",
        f);
    fclose(f);
  }
  const std::string common = absl::StrCat(" -n -c ", options.clients, " -j ", options.clients,
                                          " -T ", options.seconds, " -M prepared ");
  testing::RunCommand(absl::StrCat(base, "-i -s 1 -q ", (*db)->name(), " >/dev/null 2>&1"));
  const double pgbench_insert_tps =
      PgbenchTps(absl::StrCat(base, common, "-f ", script, " ", (*db)->name()));
  const double pgbench_n_tps = PgbenchTps(absl::StrCat(base, common, "-N ", (*db)->name()));
  std::remove(script.c_str());

  std::cout << std::fixed << std::setprecision(1);
  std::cout << "pool benchmark: " << options.clients << " clients, " << options.seconds
            << " s each, single-row INSERT transactions\n";
  std::cout << "  zp::pg::Pool (BEGIN; INSERT; COMMIT)       " << std::setw(10) << pool_tps
            << " tx/s   (" << failed << " failed)\n";
  std::cout << "  pgbench, same transaction (-f, -M prepared) " << std::setw(8)
            << pgbench_insert_tps << " tx/s\n";
  std::cout << "  pgbench -N (simple update, -M prepared)    " << std::setw(10) << pgbench_n_tps
            << " tx/s\n";
  std::cout << std::setprecision(2);
  std::cout << "  ratio pool / pgbench same transaction      " << std::setw(10)
            << (pgbench_insert_tps > 0 ? pool_tps / pgbench_insert_tps : 0) << "\n";
  std::cout << "  ratio pool / pgbench -N                    " << std::setw(10)
            << (pgbench_n_tps > 0 ? pool_tps / pgbench_n_tps : 0) << "\n";
  return failed == 0 && pgbench_n_tps > 0 ? 0 : 1;
}

}  // namespace zp::bench
