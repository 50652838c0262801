#include "tests/support/test_env.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>

#include "absl/strings/numbers.h"
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

int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  int port = ntohs(addr.sin_port);
  close(fd);
  return port;
}

}  // namespace zp::testing
