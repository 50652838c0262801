#pragma once

#include <memory>
#include <string>
#include <vector>

#include "tests/support/gateway_process.h"
#include "tests/support/http_client.h"
#include "tests/support/secrets.h"
#include "tests/support/subprocess.h"

namespace zp::testing {

// A service binary (build/services/<name>/zp-<name>) on free ports with a database of its own,
// behind a zp-gateway that routes `proto_service` to it. Call WaitReady() before use (true when
// the gateway's /readyz is: the service answers and its database too).
class ServiceStack {
 public:
  ServiceStack(const std::string& name, const std::string& proto_service,
               const std::vector<std::string>& extra_flags = {},
               const std::vector<std::string>& gateway_flags = {});
  bool WaitReady(absl::Duration timeout = absl::Seconds(30)) const;
  const HttpTarget& https() const { return gateway_->https(); }
  const HttpTarget& http() const { return gateway_->http(); }
  const std::string& database() const { return database_; }
  // The service's own gRPC address (behind the gateway), and its log.
  const std::string& grpc_address() const { return grpc_address_; }
  const Secrets& secrets() const { return secrets_; }

  // A token signed by the test issuer; a fresh subject unless given.
  std::string Token(std::vector<std::string> roles, std::vector<std::string> territories = {},
                    std::string idcs = "", std::string subject = "");

  // An HTTPS call through the gateway. POST carries a fresh Idempotency-Key unless one is given
  // ("none": no key).
  HttpResult Call(const std::string& method, const std::string& path, const std::string& token,
                  const std::string& body = "", std::string idempotency_key = "");

 private:
  Secrets secrets_;
  std::string database_;
  std::string grpc_address_;
  std::unique_ptr<Subprocess> service_;
  std::unique_ptr<GatewayProcess> gateway_;
};

}  // namespace zp::testing
