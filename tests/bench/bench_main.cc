// zp_bench: the platform's benchmarks. Run through `make bench`, which starts a private stack.
#include <iostream>

#include "absl/synchronization/mutex.h"
#include "tests/bench/bench.h"
#include "zp/core/config.h"
#include "zp/log/log.h"

namespace zp::bench {

double Percentile(std::vector<double>& values, double p) {
  if (values.empty()) {
    return 0;
  }
  std::sort(values.begin(), values.end());
  size_t index = static_cast<size_t>(p / 100.0 * static_cast<double>(values.size() - 1) + 0.5);
  return values[std::min(index, values.size() - 1)];
}

}  // namespace zp::bench

int main(int argc, char** argv) {
  // As the services' and the gateway's own mains: Debian's Abseil is built with deadlock
  // detection on, which every gRPC lock would otherwise pay for.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  std::vector<zp::core::Setting> settings = {
      {"pg_url", "postgresql://zp@127.0.0.1:55434/postgres", "PostgreSQL server"},
      {"kafka_bootstrap", "", "Kafka bootstrap servers"},
      {"events", "20000", "events for the relay benchmark"},
      {"clients", "8", "concurrent clients for the pool benchmark"},
      {"seconds", "10", "duration of each pool measurement"},
      {"acts", "1000000", "SGEC: acts generated in the database"},
      {"registrations", "10000", "SGEC: registrations measured through the service"},
      {"records", "1000000", "SGEC: historical records imported through zpctl"},
  };
  auto config = zp::core::Config::Parse(settings, argc, argv);
  if (!config.ok() || config->args().empty()) {
    std::cerr << "usage: zp_bench relay|pool|sgec|chikaya|import|watiqa [flags]\n"
              << (config.ok() ? config->Usage() : "");
    return 2;
  }
  zp::log::Init("bench", "warn");
  zp::bench::BenchOptions options;
  options.pg_url = config->String("pg_url");
  options.kafka_bootstrap = config->String("kafka_bootstrap");
  options.events = static_cast<int>(config->Int("events").value_or(20000));
  options.clients = static_cast<int>(config->Int("clients").value_or(8));
  options.seconds = static_cast<int>(config->Int("seconds").value_or(10));
  options.acts = static_cast<int>(config->Int("acts").value_or(1000000));
  options.registrations = static_cast<int>(config->Int("registrations").value_or(10000));
  options.records = config->Int("records").value_or(1000000);
  const std::string which = config->args()[0];
  if (which == "relay") {
    return zp::bench::RelayBench(options);
  }
  if (which == "pool") {
    return zp::bench::PoolBench(options);
  }
  if (which == "sgec") {
    return zp::bench::SgecBench(options);
  }
  if (which == "import") {
    return zp::bench::ImportBench(options);
  }
  if (which == "chikaya") {
    return zp::bench::ChikayaBench(options);
  }
  if (which == "watiqa") {
    return zp::bench::WatiqaBench(options);
  }
  std::cerr << "unknown benchmark " << which << "\n";
  return 2;
}
