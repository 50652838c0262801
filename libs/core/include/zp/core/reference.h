#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace zp::core {

// Human reference numbers that citizens read out on the phone and type in forms, such as
// "WTQ-2026-K3M9Q2FX": a service prefix, the year, 7 random characters and a check character.
// Characters come from Crockford's base-32 alphabet (no I, L, O, U); the check character is
// Luhn mod 32 over the year and the random part, so any single mistyped character and any swap of
// two adjacent characters is detected. The random part gives 32^7 (3.4e10) references per prefix
// and year; callers still keep a unique constraint and draw again on collision.
class HumanReference {
 public:
  static constexpr absl::string_view kAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

  // A new reference; `prefix` is 2 to 5 uppercase ASCII letters.
  static std::string Generate(absl::string_view prefix, absl::Time now);

  // The canonical form of what a person typed: upper case, separators restored, Crockford's
  // look-alikes (O->0, I/L->1) folded. INVALID_ARGUMENT when the shape or the check character is
  // wrong; the field named in the error is `field`.
  static absl::StatusOr<std::string> Normalize(absl::string_view text, absl::string_view field);

  static char CheckCharacter(absl::string_view payload);
};

}  // namespace zp::core
