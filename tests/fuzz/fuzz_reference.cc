// References are typed by citizens: normalising must never crash, and whatever it accepts must be
// canonical (normalising it again gives the same text).
#include <cstddef>
#include <cstdint>
#include <string>

#include "zp/core/reference.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  auto normalized = zp::core::HumanReference::Normalize(text, "reference");
  if (normalized.ok()) {
    auto again = zp::core::HumanReference::Normalize(*normalized, "reference");
    if (!again.ok() || *again != *normalized) {
      __builtin_trap();
    }
  }
  return 0;
}
