#pragma once

// Document signatures: ECDSA P-256 over SHA-256 (OpenSSL), DER, base64url without padding. A key
// is named by its RFC 7638 JWK thumbprint, so that a kid can never name two different keys.

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "zp/auth/v1/jwks.pb.h"

namespace zp::documents {

// RFC 7638 thumbprint (base64url SHA-256 of the required members, in lexicographic order).
std::string Thumbprint(const zp::auth::v1::JsonWebKey& jwk);

class Signer {
 public:
  // A PEM EC P-256 private key (as written by `openssl ecparam -genkey -name prime256v1`).
  static absl::StatusOr<std::unique_ptr<Signer>> FromPem(const std::string& pem);
  static absl::StatusOr<std::unique_ptr<Signer>> FromPemFile(const std::string& path);
  ~Signer();

  const std::string& kid() const { return kid_; }
  // The public key, with kid, use "sig" and alg "ES256": what is published.
  const zp::auth::v1::JsonWebKey& public_key() const { return jwk_; }
  absl::StatusOr<std::string> Sign(absl::string_view content) const;

 private:
  struct Key;
  Signer() = default;
  std::unique_ptr<Key> key_;
  std::string kid_;
  zp::auth::v1::JsonWebKey jwk_;
};

// OK when `signature` (base64url DER) is `jwk`'s signature of `content`; PERMISSION_DENIED when it
// is not; INVALID_ARGUMENT when the key or signature cannot be read.
absl::Status VerifySignature(const zp::auth::v1::JsonWebKey& jwk, absl::string_view content,
                             absl::string_view signature);

}  // namespace zp::documents
