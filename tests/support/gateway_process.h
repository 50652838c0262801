#pragma once

#include <memory>
#include <string>
#include <vector>

#include "tests/support/http_client.h"
#include "tests/support/secrets.h"
#include "tests/support/subprocess.h"

namespace zp::testing {

// The zp-gateway binary on free ports (HTTPS, plain HTTP, metrics), with the test secrets, a
// rate-limit key prefix of its own, and `upstreams` ("service=host:port,..."). Ready on return.
class GatewayProcess {
 public:
  GatewayProcess(const Secrets& secrets, const std::string& upstreams,
                 const std::vector<std::string>& extra_flags = {});
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
