#pragma once

#include <string>
#include <vector>

namespace zp::bench {

struct BenchOptions {
  std::string pg_url;
  std::string kafka_bootstrap;
  int events = 20000;
  int clients = 8;
  int seconds = 10;
};

int RelayBench(const BenchOptions& options);
int PoolBench(const BenchOptions& options);

// The p-th percentile (0..100) of `values` (sorted in place).
double Percentile(std::vector<double>& values, double p);

}  // namespace zp::bench
