#pragma once

// Countries as ISO 3166-1 alpha-2 codes ("MA", "FR"), the list of Debian's iso-codes compiled in.

#include "absl/strings/string_view.h"

namespace zp::core {

// Whether `code` is an assigned ISO 3166-1 alpha-2 code (upper case).
bool IsCountryCode(absl::string_view code);

}  // namespace zp::core
