#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "absl/strings/string_view.h"

namespace zp::core {

// Fills `out` from the operating system's CSPRNG (OpenSSL RAND_bytes). Aborts if the CSPRNG fails:
// no caller can do anything sensible with predictable identifiers or secrets.
void SecureRandomBytes(std::span<uint8_t> out);

// `length` characters drawn uniformly (rejection sampling) from `alphabet` with the CSPRNG.
std::string SecureRandomString(size_t length, absl::string_view alphabet);

}  // namespace zp::core
