#include "zp/documents/codes.h"

#include <openssl/crypto.h>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "zp/core/files.h"
#include "zp/core/random.h"

namespace zp::documents {

std::string NewVerificationCode() { return core::SecureRandomString(kCodeLength, kCodeAlphabet); }

std::string FormatCode(absl::string_view code) {
  if (code.size() != kCodeLength) return std::string(code);
  return absl::StrCat(code.substr(0, 4), "-", code.substr(4, 4), "-", code.substr(8, 4));
}

std::optional<std::string> NormalizeCode(absl::string_view typed) {
  std::string out;
  for (char c : typed) {
    if (c == '-' || c == ' ') continue;
    c = absl::ascii_toupper(static_cast<unsigned char>(c));
    if (kCodeAlphabet.find(c) == absl::string_view::npos) return std::nullopt;
    out.push_back(c);
    if (out.size() > kCodeLength) return std::nullopt;
  }
  if (out.size() != kCodeLength) return std::nullopt;
  return out;
}

std::string CodeDigest(absl::string_view code) {
  return absl::HexStringToBytes(core::Sha256Hex(code));
}

bool ConstantTimeEquals(absl::string_view a, absl::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace zp::documents
