#include "tests/support/service_stack.h"

#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "tests/support/test_env.h"
#include "zp/core/uuid.h"

namespace zp::testing {

ServiceStack::ServiceStack(const std::string& name, const std::string& proto_service,
                           const std::vector<std::string>& extra_flags,
                           const std::vector<std::string>& gateway_flags)
    : ServiceStack(std::vector<StackService>{{name, proto_service, extra_flags}}, gateway_flags) {}

ServiceStack::ServiceStack(const std::vector<StackService>& services,
                           const std::vector<std::string>& gateway_flags) {
  std::vector<std::string> upstreams;
  for (const StackService& spec : services) {
    Running r;
    r.name = spec.name;
    r.database = UniqueName(absl::StrCat("zp_", spec.name, "_e2e_"));
    r.grpc_address = absl::StrCat("127.0.0.1:", FreePort());
    r.partner_address = absl::StrCat("127.0.0.1:", FreePort());
    r.argv = {BinaryDir() + "/services/" + spec.name + "/zp-" + spec.name,
              "--grpc_address",
              r.grpc_address,
              "--partner_address",
              r.partner_address,
              "--metrics_address",
              absl::StrCat("127.0.0.1:", FreePort()),
              "--partner_cert",
              secrets_.tls("server.crt"),
              "--partner_key",
              secrets_.tls("server.key"),
              "--partner_ca",
              secrets_.tls("partners-ca.crt"),
              "--jwks_file",
              secrets_.jwks(),
              "--pg_url",
              PgServerUrl(),
              "--pg_database",
              r.database,
              "--kafka_bootstrap",
              KafkaBootstrap(),
              "--log_level",
              "warn",
              "--redis_address",
              RedisAddress()};
    // A service that calls others on its own account has a token key of its own (secrets.sh).
    const std::string service_key = secrets_.dir + "/jwt/services/" + spec.name + ".pem";
    if (access(service_key.c_str(), R_OK) == 0) {
      r.argv.insert(r.argv.end(), {"--service_key_file", service_key});
    }
    for (const std::string& flag : spec.extra_flags) {
      std::string value = flag;
      for (const Running& other : services_) {
        value = absl::StrReplaceAll(
            value, {{absl::StrCat("{grpc:", other.name, "}"), other.grpc_address}});
      }
      r.argv.push_back(value);
    }
    upstreams.push_back(absl::StrCat(spec.proto_service, "=", r.grpc_address));
    services_.push_back(std::move(r));
    Launch(services_.back());
  }
  database_ = services_.front().database;
  gateway_ =
      std::make_unique<GatewayProcess>(secrets_, absl::StrJoin(upstreams, ","), gateway_flags);
}

void ServiceStack::Launch(Running& r, const std::vector<std::string>& more_flags) {
  std::vector<std::string> argv = r.argv;
  argv.insert(argv.end(), more_flags.begin(), more_flags.end());
  // A service that signs documents finds its key here (others ignore the setting).
  r.process = std::make_unique<Subprocess>(
      argv,
      std::map<std::string, std::string>{{"ZP_DOCUMENT_KEY_FILE", secrets_.document_key(r.name)}},
      secrets_.dir + "/" + r.name + ".log");
}

const ServiceStack::Running& ServiceStack::Find(const std::string& name) const {
  for (const Running& r : services_) {
    if (r.name == name) return r;
  }
  // A test naming a service its stack does not run is wrong: stop loudly rather than answer
  // with another service's address.
  std::cerr << "ServiceStack: no service named " << name << "\n";
  std::abort();
}

void ServiceStack::Stop(const std::string& name) {
  for (Running& r : services_) {
    if (r.name == name && r.process != nullptr) {
      r.process->Stop(SIGTERM);
      r.process.reset();
    }
  }
}

void ServiceStack::Start(const std::string& name, const std::vector<std::string>& more_flags) {
  for (Running& r : services_) {
    if (r.name == name && r.process == nullptr) Launch(r, more_flags);
  }
}

bool ServiceStack::WaitReady(absl::Duration timeout) const {
  // A process that exited will not become ready: stop waiting at once and show its log.
  auto any_exited = [&] {
    bool exited = !gateway_->running();
    for (const Running& r : services_) {
      exited = exited || (r.process != nullptr && !r.process->running());
    }
    return exited;
  };
  bool ready = Eventually(
      [&] { return any_exited() || HttpCall(gateway_->http(), "GET", "/readyz").status == 200; },
      timeout);
  bool exited = gateway_->ExitedWithLog();
  for (const Running& r : services_) {
    exited = (r.process != nullptr && r.process->ExitedWithLog("zp-" + r.name)) || exited;
  }
  return ready && !exited;
}

std::string ServiceStack::Token(std::vector<std::string> roles,
                                std::vector<std::string> territories, std::string idcs,
                                std::string subject) {
  auth::TokenClaims claims;
  claims.subject = subject.empty() ? UniqueName("user-") : std::move(subject);
  claims.roles = std::move(roles);
  claims.territories = std::move(territories);
  claims.idcs = std::move(idcs);
  return *secrets_.Signer()->Sign(claims);
}

HttpResult ServiceStack::Call(const std::string& method, const std::string& path,
                              const std::string& token, const std::string& body,
                              std::string idempotency_key) {
  std::map<std::string, std::string> headers = {{"Content-Type", "application/json"}};
  if (!token.empty()) headers["Authorization"] = "Bearer " + token;
  if (method == "POST" && idempotency_key != "none") {
    headers["Idempotency-Key"] =
        idempotency_key.empty() ? core::NewUuidV7() : std::move(idempotency_key);
  }
  return HttpCall(gateway_->https(), method, path, headers, body);
}

}  // namespace zp::testing
