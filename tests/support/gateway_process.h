#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "tests/support/http_client.h"
#include "tests/support/secrets.h"
#include "tests/support/subprocess.h"

namespace zp::testing {

// The zp-gateway binary on free ports (HTTPS, plain HTTP, metrics), with the test secrets, a
// rate-limit key prefix of its own, and `upstreams` ("service=host:port,..."). Call
// WaitHealthy() before use.
class GatewayProcess {
 public:
  GatewayProcess(const Secrets& secrets, const std::string& upstreams,
                 const std::vector<std::string>& extra_flags = {});
  // False at once, with the gateway's log on stderr, if the process exits first.
  bool WaitHealthy(absl::Duration timeout = absl::Seconds(20)) const;
  bool running() const { return process_->running(); }
  // See Subprocess::ExitedWithLog.
  bool ExitedWithLog() const;
  const HttpTarget& https() const { return https_; }
  const HttpTarget& http() const { return http_; }
  int metrics_port() const { return metrics_port_; }

 private:
  HttpTarget https_;
  HttpTarget http_;
  int metrics_port_ = 0;
  std::unique_ptr<Subprocess> process_;
};

std::string RedisAddress();

}  // namespace zp::testing
