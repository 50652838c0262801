#include "tests/support/service_stack.h"

#include "absl/strings/str_cat.h"
#include "tests/support/test_env.h"
#include "zp/core/uuid.h"

namespace zp::testing {

ServiceStack::ServiceStack(const std::string& name, const std::string& proto_service,
                           const std::vector<std::string>& extra_flags,
                           const std::vector<std::string>& gateway_flags) {
  const int grpc_port = FreePort();
  database_ = UniqueName(absl::StrCat("zp_", name, "_e2e_"));
  grpc_address_ = absl::StrCat("127.0.0.1:", grpc_port);
  std::vector<std::string> argv = {
      BinaryDir() + "/services/" + name + "/zp-" + name,
      "--grpc_address", absl::StrCat("127.0.0.1:", grpc_port),
      "--partner_address", absl::StrCat("127.0.0.1:", FreePort()),
      "--metrics_address", absl::StrCat("127.0.0.1:", FreePort()),
      "--partner_cert", secrets_.tls("server.crt"), "--partner_key", secrets_.tls("server.key"),
      "--partner_ca", secrets_.tls("partners-ca.crt"), "--jwks_file", secrets_.jwks(),
      "--pg_url", PgServerUrl(), "--pg_database", database_,
      "--kafka_bootstrap", KafkaBootstrap(), "--log_level", "warn"};
  argv.insert(argv.end(), extra_flags.begin(), extra_flags.end());
  // A service that signs documents finds its key here (others ignore the setting).
  service_ = std::make_unique<Subprocess>(
      argv, std::map<std::string, std::string>{{"ZP_DOCUMENT_KEY_FILE", secrets_.document_key(name)}},
      secrets_.dir + "/" + name + ".log");
  gateway_ = std::make_unique<GatewayProcess>(
      secrets_, absl::StrCat(proto_service, "=127.0.0.1:", grpc_port), gateway_flags);
}

bool ServiceStack::WaitReady(absl::Duration timeout) const {
  return Eventually([&] { return HttpCall(gateway_->http(), "GET", "/readyz").status == 200; },
                    timeout);
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
