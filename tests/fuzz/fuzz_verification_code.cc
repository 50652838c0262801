// Verification codes are typed by anyone (VerifyDocument is public): normalising must never
// crash, and whatever it accepts is a code: 12 characters of the alphabet, normalising to itself.
#include <cstddef>
#include <cstdint>
#include <string>

#include "zp/documents/codes.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  auto code = zp::documents::NormalizeCode(text);
  if (code.has_value()) {
    if (code->size() != zp::documents::kCodeLength) __builtin_trap();
    for (char c : *code) {
      if (zp::documents::kCodeAlphabet.find(c) == std::string::npos) __builtin_trap();
    }
    auto again = zp::documents::NormalizeCode(zp::documents::FormatCode(*code));
    if (!again.has_value() || *again != *code) __builtin_trap();
  }
  return 0;
}
