#include "tests/support/gateway_process.h"

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
  // The production binary, unless the test routes to the echo service (linked only into the
  // tests' gateway).
  const bool echo = upstreams.find("zp.testing.") != std::string::npos;
  std::vector<std::string> argv = {
      BinaryDir() + (echo ? "/tests/zp-gateway-testing" : "/gateway/zp-gateway"), "--https_address",
      absl::StrCat("127.0.0.1:", https_.port), "--http_address",
      absl::StrCat("127.0.0.1:", http_.port), "--metrics_address",
      absl::StrCat("127.0.0.1:", metrics_port_), "--tls_cert", secrets.tls("server.crt"),
      "--tls_key", secrets.tls("server.key"), "--jwks_file", secrets.jwks(), "--upstreams",
      upstreams, "--redis_address", RedisAddress(),
      // Buckets of this gateway only: parallel tests all call from 127.0.0.1.
      "--rate_limit_prefix", UniqueName("zp:rl:test:"), "--io_threads", "2", "--cors_origins",
      "https://portail.zeropapier.ma", "--log_level", "warn"};
  argv.insert(argv.end(), extra_flags.begin(), extra_flags.end());
  process_ = std::make_unique<Subprocess>(argv, std::map<std::string, std::string>{},
                                          secrets.dir + "/gateway.log");
}

bool GatewayProcess::WaitHealthy(absl::Duration timeout) const {
  // A gateway that exited (a port it could not bind, a bad flag) will not become healthy: say so
  // at once, with its log, instead of waiting out the timeout.
  bool healthy = Eventually(
      [&] { return !running() || HttpCall(http_, "GET", "/healthz").status == 200; }, timeout);
  return !ExitedWithLog() && healthy;
}

bool GatewayProcess::ExitedWithLog() const { return process_->ExitedWithLog("zp-gateway"); }

}  // namespace zp::testing
