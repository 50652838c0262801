// JWKS files are read at start and on key rotation: malformed sets must be refused cleanly.
#include <cstddef>
#include <cstdint>
#include <string>

#include "zp/auth/jwt.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string json(reinterpret_cast<const char*>(data), size);
  (void)zp::auth::JwtVerifier::FromJwks(json, zp::auth::JwtOptions());
  return 0;
}
