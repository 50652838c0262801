#include "tests/support/test_env.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <random>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "zp/core/uuid.h"
#include "zp/events/kafka.h"
#include "zp/pg/test_database.h"

namespace zp::testing {
namespace {

std::string Env(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? v : fallback;
}

}  // namespace

std::string SourceDir() { return ZP_SOURCE_DIR; }
std::string BinaryDir() { return ZP_BINARY_DIR; }

std::string PgServerUrl() { return pg::TestServerUrl(); }

redis::Options RedisOptions() {
  redis::Options options;
  std::vector<std::string> parts =
      absl::StrSplit(Env("ZP_TEST_REDIS_ADDRESS", "127.0.0.1:56379"), ':');
  options.host = parts[0];
  if (parts.size() > 1) {
    (void)absl::SimpleAtoi(parts[1], &options.port);
  }
  return options;
}

std::string KafkaBootstrap() {
  std::string bootstrap = Env("ZP_TEST_KAFKA_BOOTSTRAP", "");
  if (!bootstrap.empty()) {
    return bootstrap;
  }
  auto from_file = events::ReadBootstrapFile(SourceDir() + "/.run/kafka.bootstrap");
  return from_file.ok() ? *from_file : "127.0.0.1:9092";
}

std::string UniqueName(const std::string& prefix) {
  return prefix + absl::StrReplaceAll(core::NewUuidV7(), {{"-", ""}});
}

bool Eventually(const std::function<bool()>& condition, absl::Duration timeout) {
  absl::Time until = absl::Now() + timeout;
  while (absl::Now() < until) {
    if (condition()) {
      return true;
    }
    absl::SleepFor(absl::Milliseconds(20));
  }
  return condition();
}

namespace {

// The lowest port of the kernel's ephemeral range, from which outgoing connections take their
// local port: a port handed out there may be taken by any connect() before the server binds it.
int EphemeralLow() {
  std::ifstream in("/proc/sys/net/ipv4/ip_local_port_range");
  int low = 32768;
  in >> low;
  return low;
}

bool CanBind(int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return false;
  }
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));  // as our servers bind
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  bool ok = bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  close(fd);
  return ok;
}

}  // namespace

int FreePort() {
  // Ports below the ephemeral range (and below every fixed port of the stack), each reserved by
  // an flock held until this process exits, so that parallel test processes never pick the same
  // one and no outgoing connection takes it in the meantime. Two threads conflict as well: each
  // opens its own file description.
  const int low = 15000;
  int high = std::min(EphemeralLow(), 32768) - 1;
  if (high - low < 1000) {  // an unusual ephemeral range: still reserved against other tests
    high = 32767;
  }
  static const std::string dir = [] {
    std::string d = "/tmp/zp-test-ports";
    mkdir(d.c_str(), 0777);
    return d;
  }();
  thread_local std::mt19937 rng(std::random_device{}());
  const int span = high - low + 1;
  const int start = std::uniform_int_distribution<int>(0, span - 1)(rng);
  for (int i = 0; i < span; ++i) {
    const int port = low + (start + i) % span;
    std::string path = absl::StrCat(dir, "/", port);
    int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (fd < 0) {
      continue;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
      close(fd);
      continue;
    }
    if (!CanBind(port)) {
      close(fd);
      continue;
    }
    return port;  // fd stays open: the reservation lasts as long as this process
  }
  // Port 0 would let each server pick its own, unknown to the test: stop loudly instead.
  std::cerr << "FreePort: every port from " << low << " to " << high << " is taken\n";
  std::abort();
}

}  // namespace zp::testing
