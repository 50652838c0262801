#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "zp/auth/v1/jwks.pb.h"

namespace zp::auth {

// The JWK (kty EC, crv P-256, x, y) of a PEM public or private key.
absl::StatusOr<zp::auth::v1::JsonWebKey> JwkFromPem(const std::string& pem, const std::string& kid);
// The PEM public key of an EC P-256 JWK, as libjwt expects it.
absl::StatusOr<std::string> PemFromJwk(const zp::auth::v1::JsonWebKey& jwk);

absl::StatusOr<zp::auth::v1::JsonWebKeySet> ParseJwks(absl::string_view json);
std::string JwksToJson(const zp::auth::v1::JsonWebKeySet& set);

}  // namespace zp::auth
