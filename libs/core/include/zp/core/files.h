#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace zp::core {

// The whole content of a file; NOT_FOUND naming the path when it cannot be read.
absl::StatusOr<std::string> ReadFile(const std::string& path);

// Lowercase hex digests of `data`.
std::string Sha256Hex(absl::string_view data);
std::string Sha1Hex(absl::string_view data);

}  // namespace zp::core
