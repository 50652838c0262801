#pragma once

#include "absl/strings/string_view.h"

namespace zp::core {

// A file compiled into the binary by the CMake function zp_embed_files.
struct EmbeddedFile {
  absl::string_view name;
  absl::string_view content;
};

}  // namespace zp::core
