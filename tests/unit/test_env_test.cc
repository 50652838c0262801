// The test harness's own port reservation: what every e2e and integration test relies on to
// start servers in parallel.
#include "tests/support/test_env.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <set>
#include <string>

namespace zp::testing {
namespace {

TEST_CASE("FreePort: below the ephemeral range, never twice, reserved against other processes",
          "[unit][test_env]") {
  std::ifstream range("/proc/sys/net/ipv4/ip_local_port_range");
  int ephemeral_low = 32768;
  range >> ephemeral_low;

  std::set<int> ports;
  for (int i = 0; i < 200; ++i) {
    const int port = FreePort();
    CHECK(port >= 15000);
    CHECK(port < ephemeral_low);
    ports.insert(port);
  }
  CHECK(ports.size() == 200);

  // Another process asking for the same port finds its lock taken (flock conflicts between open
  // file descriptions, as between two test processes).
  const int port = *ports.begin();
  const std::string path = "/tmp/zp-test-ports/" + std::to_string(port);
  int fd = open(path.c_str(), O_RDWR | O_CLOEXEC);
  REQUIRE(fd >= 0);
  CHECK(flock(fd, LOCK_EX | LOCK_NB) != 0);
  close(fd);
}

}  // namespace
}  // namespace zp::testing
