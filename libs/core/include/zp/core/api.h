#pragma once

#include <optional>
// API conventions shared by every service (DESIGN.md, section 4): request ids of mutating calls
// and cursor pagination.

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace zp::core {

inline constexpr int kDefaultPageSize = 20;
inline constexpr int kMaxPageSize = 1000;

// INVALID_ARGUMENT naming `request_id` unless it is a UUID (HTTP: the Idempotency-Key header).
absl::Status CheckRequestId(absl::string_view request_id);

// 0 -> the default; INVALID_ARGUMENT naming `page_size` outside 0..kMaxPageSize.
absl::StatusOr<int> PageSize(int requested);

// Opaque page tokens (URL-safe base64 of the cursor); a token that does not decode is
// INVALID_ARGUMENT naming `page_token`.
std::string EncodePageToken(absl::string_view cursor);
absl::StatusOr<std::string> DecodePageToken(absl::string_view token);
// The characters (Unicode code points) of UTF-8 text: what length limits of text fields count.
size_t CharacterCount(absl::string_view text);

// A token whose cursor is a UUID (lists ordered by UUIDv7 id): nullopt for the first page.
absl::StatusOr<std::optional<std::string>> DecodeUuidPageToken(absl::string_view token);

}  // namespace zp::core
