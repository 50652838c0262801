#include "zp/core/uuid.h"

#include <array>

#include "absl/strings/ascii.h"
#include "absl/strings/string_view.h"
#include "zp/core/random.h"

namespace zp::core {
namespace {

std::string Format(const std::array<uint8_t, 16>& b) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (size_t i = 0; i < b.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) {
      out.push_back('-');
    }
    out.push_back(kHex[b[i] >> 4]);
    out.push_back(kHex[b[i] & 0xf]);
  }
  return out;
}

}  // namespace

std::string UuidV7Generator::Next() {
  int64_t ms = absl::ToUnixMillis(clock_.Now());
  uint16_t counter;
  {
    absl::MutexLock lock(&mu_);
    if (ms <= last_ms_) {
      // Same millisecond (or the clock stepped back): keep order by counting, and borrow the next
      // millisecond when the 12-bit counter is exhausted.
      ms = last_ms_;
      if (++counter_ > 0x0fff) {
        ++ms;
        counter_ = 0;
      }
    } else {
      counter_ = 0;
    }
    last_ms_ = ms;
    counter = counter_;
  }
  std::array<uint8_t, 16> b{};
  SecureRandomBytes(std::span<uint8_t>(b.data() + 8, 8));
  for (int i = 0; i < 6; ++i) {
    b[i] = static_cast<uint8_t>(ms >> (8 * (5 - i)));
  }
  b[6] = static_cast<uint8_t>(0x70 | ((counter >> 8) & 0x0f));
  b[7] = static_cast<uint8_t>(counter & 0xff);
  b[8] = static_cast<uint8_t>(0x80 | (b[8] & 0x3f));
  return Format(b);
}

std::string NewUuidV7() {
  static UuidV7Generator* generator = new UuidV7Generator();
  return generator->Next();
}

bool IsUuid(absl::string_view text) {
  if (text.size() != 36) {
    return false;
  }
  for (size_t i = 0; i < text.size(); ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (text[i] != '-') {
        return false;
      }
    } else if (!absl::ascii_isxdigit(static_cast<unsigned char>(text[i]))) {
      return false;
    }
  }
  return true;
}

int64_t UuidV7Millis(absl::string_view text) {
  if (!IsUuid(text) || text[14] != '7') {
    return -1;
  }
  int64_t ms = 0;
  for (char c : text.substr(0, 13)) {
    if (c == '-') {
      continue;
    }
    ms = ms * 16 + (absl::ascii_isdigit(static_cast<unsigned char>(c))
                        ? c - '0'
                        : absl::ascii_tolower(static_cast<unsigned char>(c)) - 'a' + 10);
  }
  return ms;
}

}  // namespace zp::core
