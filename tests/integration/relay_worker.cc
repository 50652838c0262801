// An outbox relay in a process of its own, for tests that kill it (SIGKILL) mid-batch.
#include <signal.h>
#include <unistd.h>

#include <iostream>

#include "zp/core/config.h"
#include "zp/events/relay.h"
#include "zp/log/log.h"

int main(int argc, char** argv) {
  std::vector<zp::core::Setting> settings = {
      {"pg_url", "", "server URL"},
      {"dbname", "", "database"},
      {"bootstrap", "", "Kafka bootstrap servers"},
      {"batch_size", "500", "rows per batch"},
      {"hold_before_delete_ms", "0", "pause after delivery, before deleting the batch"},
  };
  auto config = zp::core::Config::Parse(settings, argc, argv);
  if (!config.ok()) {
    std::cerr << config.status().message() << "\n";
    return 2;
  }
  zp::log::Init("relay_worker", "warn");
  zp::events::RelayOptions options;
  options.conninfo = config->String("pg_url");
  options.overrides = {{"dbname", config->String("dbname")}};
  options.bootstrap_servers = config->String("bootstrap");
  options.batch_size = static_cast<int>(config->Int("batch_size").value_or(500));
  const int64_t hold_ms = config->Int("hold_before_delete_ms").value_or(0);
  if (hold_ms > 0) {
    options.before_delete = [hold_ms](int rows) {
      std::cout << "hold " << rows << std::endl;
      absl::SleepFor(absl::Milliseconds(hold_ms));
    };
  }
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  zp::events::OutboxRelay relay(options);
  relay.Start();
  int sig = 0;
  sigwait(&set, &sig);
  relay.Stop();
  return 0;
}
