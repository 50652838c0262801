#include "zp/core/api.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "zp/core/status.h"
#include "zp/core/uuid.h"

namespace zp::core {

absl::Status CheckRequestId(absl::string_view request_id) {
  if (request_id.empty()) {
    return InvalidArgumentError("request_id", "required (HTTP: the Idempotency-Key header)");
  }
  if (!IsUuid(request_id)) {
    return InvalidArgumentError("request_id", "must be a UUID");
  }
  return absl::OkStatus();
}

absl::StatusOr<int> PageSize(int requested) {
  if (requested < 0 || requested > kMaxPageSize) {
    return InvalidArgumentError("page_size", absl::StrCat("between 0 and ", kMaxPageSize));
  }
  return requested == 0 ? kDefaultPageSize : requested;
}

std::string EncodePageToken(absl::string_view cursor) { return absl::WebSafeBase64Escape(cursor); }

absl::StatusOr<std::string> DecodePageToken(absl::string_view token) {
  std::string raw;
  if (!absl::WebSafeBase64Unescape(token, &raw)) {
    return InvalidArgumentError("page_token", "not a token returned by this method");
  }
  return raw;
}

absl::StatusOr<std::optional<std::string>> DecodeUuidPageToken(absl::string_view token) {
  if (token.empty()) return std::optional<std::string>();
  absl::StatusOr<std::string> raw = DecodePageToken(token);
  if (!raw.ok() || !IsUuid(*raw)) {
    return InvalidArgumentError("page_token", "not a token returned by this method");
  }
  return std::optional<std::string>(*std::move(raw));
}

size_t CharacterCount(absl::string_view text) {
  size_t n = 0;
  for (unsigned char ch : text) n += (ch & 0xC0) != 0x80 ? 1 : 0;  // not a continuation byte
  return n;
}

}  // namespace zp::core
