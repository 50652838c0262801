#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "zp/core/clock.h"

namespace zp::core {

// UUIDv7 (RFC 9562): 48-bit Unix milliseconds, then a 12-bit counter that keeps ids generated in
// the same millisecond by this generator strictly increasing, then 62 random bits.
class UuidV7Generator {
 public:
  explicit UuidV7Generator(const Clock& clock = SystemClock::Instance()) : clock_(clock) {}
  std::string Next();

 private:
  const Clock& clock_;
  absl::Mutex mu_;
  int64_t last_ms_ ABSL_GUARDED_BY(mu_) = -1;
  uint16_t counter_ ABSL_GUARDED_BY(mu_) = 0;
};

// A new UUIDv7 from the system clock.
std::string NewUuidV7();

// True for the canonical 8-4-4-4-12 lowercase or uppercase hex form.
bool IsUuid(absl::string_view text);

// Milliseconds since the epoch stored in a UUIDv7, or -1 if `text` is not a version-7 UUID.
int64_t UuidV7Millis(absl::string_view text);

}  // namespace zp::core
