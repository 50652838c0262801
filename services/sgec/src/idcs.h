#pragma once

// IDCS (identifiant digital civil et social): ten digits, nine random from a CSPRNG and a check
// digit computed with ISO 7064 MOD 11-10. It carries no meaning and is never reassigned.

#include <string>

#include "absl/strings/string_view.h"

namespace zp::sgec {

// Check digit of a string of digits (ISO 7064 MOD 11-10, pure system): -1 if not all digits.
int Iso7064Mod1110CheckDigit(absl::string_view digits);
bool IsValidIdcs(absl::string_view idcs);
std::string NewIdcs();

}  // namespace zp::sgec
