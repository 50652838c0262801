#pragma once

#include <memory>
#include <string>
#include <vector>

#include "tests/support/gateway_process.h"
#include "tests/support/http_client.h"
#include "tests/support/secrets.h"
#include "tests/support/subprocess.h"

namespace zp::testing {

// One service binary of a stack, and the proto service the gateway routes to it.
struct StackService {
  std::string name;
  std::string proto_service;
  std::vector<std::string> extra_flags;
};

// Service binaries (build/services/<name>/zp-<name>) on free ports, each with a database of its
// own, behind a zp-gateway that routes each `proto_service` to its binary. Call WaitReady()
// before use (true when the gateway's /readyz is: every service answers and its database too).
class ServiceStack {
 public:
  ServiceStack(const std::string& name, const std::string& proto_service,
               const std::vector<std::string>& extra_flags = {},
               const std::vector<std::string>& gateway_flags = {});
  // Several services; a flag value "{grpc:<name>}" becomes that service's gRPC address, so that
  // one service can be pointed at another started before it.
  explicit ServiceStack(const std::vector<StackService>& services,
                        const std::vector<std::string>& gateway_flags = {});
  bool WaitReady(absl::Duration timeout = absl::Seconds(30)) const;
  const HttpTarget& https() const { return gateway_->https(); }
  const HttpTarget& http() const { return gateway_->http(); }
  const std::string& database() const { return database_; }
  // The (first) service's own gRPC address (behind the gateway); by name for several.
  const std::string& grpc_address() const { return services_.front().grpc_address; }
  const std::string& grpc_address(const std::string& name) const { return Find(name).grpc_address; }
  // The partner port (mutual TLS) of service `name`.
  const std::string& partner_address(const std::string& name) const {
    return Find(name).partner_address;
  }
  const std::string& database(const std::string& name) const { return Find(name).database; }
  // Stops service `name` (SIGTERM) and starts it again on the same ports and database, with
  // `more_flags` after its own (a later flag overrides an earlier one).
  void Stop(const std::string& name);
  void Start(const std::string& name, const std::vector<std::string>& more_flags = {});
  const Secrets& secrets() const { return secrets_; }

  // A token signed by the test issuer; a fresh subject unless given.
  std::string Token(std::vector<std::string> roles, std::vector<std::string> territories = {},
                    std::string idcs = "", std::string subject = "");

  // An HTTPS call through the gateway. POST carries a fresh Idempotency-Key unless one is given
  // ("none": no key).
  HttpResult Call(const std::string& method, const std::string& path, const std::string& token,
                  const std::string& body = "", std::string idempotency_key = "");

 private:
  struct Running {
    std::string name;
    std::vector<std::string> argv;
    std::string grpc_address;
    std::string partner_address;
    std::string database;
    std::unique_ptr<Subprocess> process;
  };
  const Running& Find(const std::string& name) const;
  void Launch(Running& r, const std::vector<std::string>& more_flags = {});

  Secrets secrets_;
  std::string database_;
  std::vector<Running> services_;
  std::unique_ptr<GatewayProcess> gateway_;
};

}  // namespace zp::testing
