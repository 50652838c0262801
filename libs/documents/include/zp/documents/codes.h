#pragma once

// Verification codes: 12 characters drawn with the CSPRNG from an alphabet without the characters
// people confuse (0/O, 1/I/L), printed in groups of four (XXXX-XXXX-XXXX). 31^12 ≈ 2^59 codes.

#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace zp::documents {

inline constexpr absl::string_view kCodeAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
inline constexpr size_t kCodeLength = 12;

std::string NewVerificationCode();
// "XXXX-XXXX-XXXX".
std::string FormatCode(absl::string_view code);
// The code as typed (any case, with dashes or spaces) in its stored form, or nothing when it
// cannot be a code.
std::optional<std::string> NormalizeCode(absl::string_view typed);
// The lookup key stored beside a document: SHA-256 of the code. Looking documents up by it means
// the index never compares the code itself, so lookup time says nothing about near misses.
std::string CodeDigest(absl::string_view code);
// Compares in time that depends only on the lengths.
bool ConstantTimeEquals(absl::string_view a, absl::string_view b);

}  // namespace zp::documents
