#include "tests/support/gateway_process.h"

#include <fstream>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "tests/support/test_env.h"

namespace zp::testing {

std::string RedisAddress() {
  auto o = RedisOptions();
  return absl::StrCat(o.host, ":", o.port);
}

GatewayProcess::GatewayProcess(const Secrets& secrets, const std::string& upstreams,
                               const std::vector<std::string>& extra_flags) {
  https_.port = FreePort();
  https_.tls = true;
  https_.ca_file = secrets.tls("ca.crt");
  http_.port = FreePort();
  metrics_port_ = FreePort();
  std::vector<std::string> argv = {
      BinaryDir() + "/gateway/zp-gateway", "--https_address",
      absl::StrCat("127.0.0.1:", https_.port), "--http_address",
      absl::StrCat("127.0.0.1:", http_.port), "--metrics_address",
      absl::StrCat("127.0.0.1:", metrics_port_), "--tls_cert", secrets.tls("server.crt"),
      "--tls_key", secrets.tls("server.key"), "--jwks_file", secrets.jwks(), "--upstreams",
      upstreams, "--redis_address", RedisAddress(),
      // Buckets of this gateway only: parallel tests all call from 127.0.0.1.
      "--rate_limit_prefix", UniqueName("zp:rl:test:"), "--io_threads", "2", "--cors_origins",
      "https://portail.zeropapier.ma", "--log_level", "warn"};
  argv.insert(argv.end(), extra_flags.begin(), extra_flags.end());
  log_file_ = secrets.dir + "/gateway.log";
  process_ = std::make_unique<Subprocess>(argv, std::map<std::string, std::string>{}, log_file_);
}

bool GatewayProcess::WaitHealthy(absl::Duration timeout) const {
  // A gateway that exited (a port it could not bind, a bad flag) will not become healthy: say so
  // at once, with its log, instead of waiting out the timeout.
  bool healthy = Eventually(
      [&] { return !process_->running() || HttpCall(http_, "GET", "/healthz").status == 200; },
      timeout);
  if (!process_->running()) {
    std::ifstream log(log_file_);
    std::cerr << "zp-gateway exited before it was healthy; its log:\n" << log.rdbuf() << "\n";
    return false;
  }
  return healthy;
}

}  // namespace zp::testing
