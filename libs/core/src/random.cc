#include "zp/core/random.h"

#include <openssl/rand.h>

#include <cstdlib>
#include <vector>

#include "absl/strings/string_view.h"

namespace zp::core {

void SecureRandomBytes(std::span<uint8_t> out) {
  if (RAND_bytes(out.data(), static_cast<int>(out.size())) != 1) {
    std::abort();
  }
}

std::string SecureRandomString(size_t length, absl::string_view alphabet) {
  // Largest multiple of the alphabet size that fits in a byte: values above it are redrawn so that
  // every character is equally likely.
  const unsigned limit = 256 - (256 % alphabet.size());
  std::string out;
  out.reserve(length);
  std::vector<uint8_t> buf(length * 2 + 8);
  while (out.size() < length) {
    SecureRandomBytes(buf);
    for (uint8_t b : buf) {
      if (b < limit) {
        out.push_back(alphabet[b % alphabet.size()]);
        if (out.size() == length) {
          break;
        }
      }
    }
  }
  return out;
}

}  // namespace zp::core
