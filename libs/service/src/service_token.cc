#include "zp/service/service_token.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "zp/auth/grants.h"
#include "zp/core/files.h"
#include "zp/core/status.h"

namespace zp::service {
namespace {
constexpr absl::Duration kTokenLifetime = absl::Minutes(5);
constexpr absl::Duration kRenewBefore = absl::Minutes(1);
// A request grant is used at once; it lives long enough for the call's retries.
constexpr absl::Duration kGrantLifetime = absl::Minutes(2);
}  // namespace

absl::StatusOr<std::unique_ptr<ServiceToken>> ServiceToken::FromKeyFile(const std::string& key_file,
                                                                        std::string service,
                                                                        const core::Clock& clock) {
  ASSIGN_OR_RETURN(std::string kid, core::ReadFile(key_file + ".kid"));
  ASSIGN_OR_RETURN(
      std::unique_ptr<auth::JwtSigner> signer,
      auth::JwtSigner::FromPemFile(key_file, std::string(absl::StripAsciiWhitespace(kid))));
  return std::make_unique<ServiceToken>(std::move(signer), std::move(service), clock);
}

auth::TokenClaims ServiceToken::Claims(absl::Duration lifetime) const {
  auth::TokenClaims claims;
  claims.subject = absl::StrCat(auth::kServiceSubjectPrefix, service_);
  claims.roles = {std::string(auth::roles::kService)};
  claims.territories = {"MA"};
  claims.lifetime = lifetime;
  return claims;
}

absl::StatusOr<std::string> ServiceToken::Get() {
  absl::MutexLock lock(&mu_);
  const absl::Time now = clock_.Now();
  if (now < renew_at_) return token_;
  ASSIGN_OR_RETURN(token_, signer_->Sign(Claims(kTokenLifetime), now));
  renew_at_ = now + kTokenLifetime - kRenewBefore;
  return token_;
}

absl::StatusOr<std::string> ServiceToken::ForRequest(absl::string_view method,
                                                     const google::protobuf::Message& request) {
  auth::TokenClaims claims = Claims(kGrantLifetime);
  ASSIGN_OR_RETURN(google::protobuf::Struct detail, auth::RequestGrant(method, request));
  claims.authorization_details.push_back(std::move(detail));
  return signer_->Sign(claims, clock_.Now());
}

}  // namespace zp::service
