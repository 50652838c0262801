#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "zp/auth/principal.h"
#include "zp/core/clock.h"
#include "zp/core/config.h"

namespace zp::auth {

struct JwtOptions {
  std::string issuer = "https://auth.zeropapier.local";
  std::string audience = "zeropapier";
  // Tolerated clock skew on exp and nbf (setting jwt_clock_skew): a token is refused once `now`
  // is past exp + skew.
  absl::Duration clock_skew = absl::Seconds(2);
};

// The settings that verify bearer tokens (jwks_file, jwt_issuer, jwt_audience, jwt_clock_skew),
// shared by the gateway and every service, and the options they give.
std::vector<core::Setting> JwtSettings();
absl::StatusOr<JwtOptions> JwtOptionsFromConfig(const core::Config& config);

// Verifies ES256 JWTs against the keys of a JWKS file, chosen by the token's `kid`; several keys
// may be published at once, so keys rotate without downtime. Only ES256 is accepted (alg pinned:
// `none`, HMAC and RSA tokens are refused before any key is used); exp is required, nbf, iss and
// aud are checked. Every refusal is UNAUTHENTICATED with reason TOKEN_INVALID or TOKEN_EXPIRED.
//
// Service identities are bound to keys: a key whose JWK names a service (`zp_service`) verifies
// only that service's tokens (subject "service:<name>", the one role `service`), and a token that
// claims a service identity (that subject prefix or that role) verifies only under its service's
// key. A key that signs user tokens can never act as a service, nor a service key as a user.
class JwtVerifier {
 public:
  static absl::StatusOr<std::unique_ptr<JwtVerifier>> FromJwks(
      absl::string_view jwks_json, JwtOptions options,
      const core::Clock& clock = core::SystemClock::Instance());
  static absl::StatusOr<std::unique_ptr<JwtVerifier>> FromJwksFile(
      const std::string& path, JwtOptions options,
      const core::Clock& clock = core::SystemClock::Instance());

  // Verifies a token. Tokens that verified are remembered (by their exact text) until they
  // expire, so that a client's repeated calls cost one signature check; exp is still checked
  // against the clock on every call.
  absl::StatusOr<Principal> Verify(absl::string_view token) const;
  size_t key_count() const { return key_by_kid_.size(); }

 private:
  struct Key {
    std::string pem;
    std::string service;  // the service this key belongs to; "" for user tokens
  };
  JwtVerifier(std::map<std::string, Key> key_by_kid, JwtOptions options, const core::Clock& clock)
      : key_by_kid_(std::move(key_by_kid)), options_(std::move(options)), clock_(clock) {}
  absl::StatusOr<Principal> VerifyUncached(absl::string_view token, absl::Time* expires) const;

  struct Verified {
    Principal principal;
    absl::Time expires;
  };
  static constexpr size_t kCacheLimit = 50000;

  std::map<std::string, Key> key_by_kid_;
  JwtOptions options_;
  const core::Clock& clock_;
  mutable absl::Mutex mu_;
  mutable absl::flat_hash_map<std::string, Verified> cache_ ABSL_GUARDED_BY(mu_);
};

struct TokenClaims {
  std::string subject;
  std::vector<std::string> roles;
  std::vector<std::string> territories;
  std::string idcs;
  // RFC 9396 authorization_details: what a service token is for (Principal has them back).
  std::vector<google::protobuf::Struct> authorization_details;
  absl::Duration lifetime = absl::Hours(8);
  // Defaults: the verifier's defaults.
  std::string issuer = JwtOptions().issuer;
  std::string audience = JwtOptions().audience;
};

// Signs ES256 tokens with a PEM private key (zpctl token, tests). Production tokens come from the
// identity provider; this signer exists for the local stack and tests.
class JwtSigner {
 public:
  static absl::StatusOr<std::unique_ptr<JwtSigner>> FromPem(std::string private_key_pem,
                                                            std::string kid);
  static absl::StatusOr<std::unique_ptr<JwtSigner>> FromPemFile(const std::string& path,
                                                                std::string kid);
  absl::StatusOr<std::string> Sign(const TokenClaims& claims, absl::Time now = absl::Now()) const;
  // Signs arbitrary header and payload JSON; tests use it to craft bad tokens.
  absl::StatusOr<std::string> SignRaw(const std::string& payload_json,
                                      const std::map<std::string, std::string>& headers) const;
  const std::string& kid() const { return kid_; }

 private:
  JwtSigner(std::string pem, std::string kid) : pem_(std::move(pem)), kid_(std::move(kid)) {}
  std::string pem_;
  std::string kid_;
};

}  // namespace zp::auth
