#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace zp::bench {

struct BenchOptions {
  std::string pg_url;
  std::string kafka_bootstrap;
  int events = 20000;
  int clients = 8;
  int seconds = 10;
  int acts = 1000000;         // SGEC: acts generated in the database
  int registrations = 10000;  // SGEC: registrations measured through the service
  int64_t records = 1000000;  // SGEC: historical records imported through zpctl
};

int RelayBench(const BenchOptions& options);
int PoolBench(const BenchOptions& options);
int SgecBench(const BenchOptions& options);
int ChikayaBench(const BenchOptions& options);
int ImportBench(const BenchOptions& options);
int WatiqaBench(const BenchOptions& options);

// Runs a pgbench command line and returns its "tps = ..." figure (excluding connection time).
double PgbenchTps(const std::string& command);
// "pgbench -h 127.0.0.1 -p <port of pg_url> -U zp ".
std::string PgbenchCommand(const std::string& pg_url);

// The p-th percentile (0..100) of `values` (sorted in place).
double Percentile(std::vector<double>& values, double p);

}  // namespace zp::bench
