// devkafka: a local Kafka cluster for development and tests. It runs librdkafka's mock cluster
// (the Kafka wire protocol, maintained with librdkafka), creates the topics it is given, writes
// the bootstrap list to a file and runs until SIGTERM/SIGINT. Clients, kcat included, reach it
// over TCP like any broker.
//
// SIGUSR1 takes every broker down (connections closed and refused) and SIGUSR2 brings them back,
// so that tests can make Kafka go away and return without losing what it holds.

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "zp/core/config.h"
#include "zp/events/kafka.h"

namespace {

int Main(int argc, char** argv) {
  std::vector<zp::core::Setting> settings = {
      {"brokers", "3", "number of brokers"},
      {"topics", "", "comma-separated topics to create, each optionally topic:partitions"},
      {"partitions", "6", "partitions of topics created without a count (and auto-created ones)"},
      {"bootstrap_file", ".run/kafka.bootstrap", "where to write the bootstrap servers"},
  };
  absl::StatusOr<zp::core::Config> config = zp::core::Config::Parse(settings, argc, argv);
  if (!config.ok()) {
    std::cerr << "devkafka: " << config.status().message() << "\n";
    return 2;
  }
  if (config->help_requested()) {
    std::cout << "usage: devkafka [flags]\n" << config->Usage();
    return 0;
  }
  int64_t brokers = config->Int("brokers").value_or(3);
  int64_t partitions = config->Int("partitions").value_or(6);

  // Signals are handled synchronously by sigwait below, in this thread only.
  sigset_t signals;
  sigemptyset(&signals);
  for (int s : {SIGTERM, SIGINT, SIGUSR1, SIGUSR2}) {
    sigaddset(&signals, s);
  }
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto conf = zp::events::MakeKafkaConf({{"log_level", "3"}});
  if (!conf.ok()) {
    std::cerr << "devkafka: " << conf.status().message() << "\n";
    return 1;
  }
  char err[512];
  zp::events::KafkaPtr rk(rd_kafka_new(RD_KAFKA_PRODUCER, conf->release(), err, sizeof(err)));
  if (rk == nullptr) {
    std::cerr << "devkafka: " << err << "\n";
    return 1;
  }
  rd_kafka_mock_cluster_t* cluster = rd_kafka_mock_cluster_new(rk.get(), static_cast<int>(brokers));
  if (cluster == nullptr) {
    std::cerr << "devkafka: cannot start the mock cluster\n";
    return 1;
  }
  for (absl::string_view spec : absl::StrSplit(config->String("topics"), ',', absl::SkipEmpty())) {
    std::vector<std::string> parts = absl::StrSplit(spec, ':');
    int count = static_cast<int>(partitions);
    if (parts.size() == 2 && !absl::SimpleAtoi(parts[1], &count)) {
      std::cerr << "devkafka: bad topic spec " << spec << "\n";
      return 2;
    }
    rd_kafka_resp_err_t e = rd_kafka_mock_topic_create(
        cluster, parts[0].c_str(), count, static_cast<int>(std::min<int64_t>(brokers, 3)));
    if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
      std::cerr << "devkafka: cannot create " << parts[0] << ": " << rd_kafka_err2str(e) << "\n";
      return 1;
    }
  }
  const std::string bootstrap = rd_kafka_mock_cluster_bootstraps(cluster);
  const std::string path = config->String("bootstrap_file");
  const std::string tmp = absl::StrCat(path, ".tmp");
  {
    std::ofstream out(tmp);
    out << bootstrap << "\n";
  }
  std::rename(tmp.c_str(), path.c_str());
  std::cout << "devkafka: " << brokers << " brokers at " << bootstrap << std::endl;

  while (true) {
    int sig = 0;
    sigwait(&signals, &sig);
    if (sig == SIGUSR1) {
      rd_kafka_mock_broker_set_down(cluster, -1);
      std::cout << "devkafka: brokers down" << std::endl;
    } else if (sig == SIGUSR2) {
      rd_kafka_mock_broker_set_up(cluster, -1);
      std::cout << "devkafka: brokers up" << std::endl;
    } else {
      break;
    }
  }
  std::cout << "devkafka: stopping" << std::endl;
  std::remove(path.c_str());
  rd_kafka_mock_cluster_destroy(cluster);
  return 0;
}

}  // namespace

int main(int argc, char** argv) { return Main(argc, argv); }
