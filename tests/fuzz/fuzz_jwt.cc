// Bearer tokens come from any HTTP client: verification must refuse garbage without crashing.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "zp/auth/jwt.h"

namespace {

// A fixed P-256 public key (the point is valid; no token of the fuzzer can be signed for it).
constexpr char kJwks[] = R"({"keys":[{"kty":"EC","crv":"P-256","kid":"k1",
  "x":"DI3P2bfB9ePhDFWQo1SjH2gA9UvlFjZL1j5ymUunTPU",
  "y":"QQF6TlYM8Fi0sTLahb6ZG2jxGF8iWpwL9ov7TIZNvu0"}]})";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static auto* verifier = zp::auth::JwtVerifier::FromJwks(kJwks, zp::auth::JwtOptions())->release();
  std::string token(reinterpret_cast<const char*>(data), size);
  auto principal = verifier->Verify(token);
  if (principal.ok()) {
    __builtin_trap();  // nothing here can carry a valid signature
  }
  return 0;
}
