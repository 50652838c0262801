#pragma once

// The tokens a service signs to call a peer service on its own account (subject
// "service:<name>", the one role `service`, territory MA), with its own key: the JWKS publishes
// the key's public half under its kid with `zp_service` naming the service, and verifiers accept
// a service identity under no other key (zp/auth/jwt.h).

#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "google/protobuf/message.h"
#include "zp/auth/jwt.h"
#include "zp/core/clock.h"

namespace zp::service {

class ServiceToken {
 public:
  ServiceToken(std::unique_ptr<auth::JwtSigner> signer, std::string service,
               const core::Clock& clock = core::SystemClock::Instance())
      : signer_(std::move(signer)), service_(std::move(service)), clock_(clock) {}
  // The key from a PEM file, its kid from <file>.kid.
  static absl::StatusOr<std::unique_ptr<ServiceToken>> FromKeyFile(
      const std::string& key_file, std::string service,
      const core::Clock& clock = core::SystemClock::Instance());

  // A token for any call on the service's own account, renewed a minute before it expires.
  absl::StatusOr<std::string> Get();
  // A token that grants one request only: `method` (full name, "zp.sgec.v1.CivilRegistry.
  // IssueCopy") with exactly `request`'s fields, as an RFC 9396 authorization detail. The callee
  // checks it with auth::GrantsRequest, so that a token that leaks can only repeat that request
  // (which the callee's idempotency answers with the first response).
  absl::StatusOr<std::string> ForRequest(absl::string_view method,
                                         const google::protobuf::Message& request);

  const std::string& service() const { return service_; }

 private:
  auth::TokenClaims Claims(absl::Duration lifetime) const;

  std::unique_ptr<auth::JwtSigner> signer_;
  const std::string service_;
  const core::Clock& clock_;
  absl::Mutex mu_;
  std::string token_ ABSL_GUARDED_BY(mu_);
  absl::Time renew_at_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
};

}  // namespace zp::service
