#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "absl/strings/string_view.h"
#include "spdlog/details/log_msg.h"
#include "spdlog/formatter.h"
#include "spdlog/spdlog.h"

// Lets spdlog/fmt format absl::string_view (Debian's Abseil has its own string_view type).
template <>
struct fmt::formatter<absl::string_view> : fmt::formatter<fmt::string_view> {
  template <typename FormatContext>
  auto format(absl::string_view s, FormatContext& ctx) const {
    return fmt::formatter<fmt::string_view>::format(fmt::string_view(s.data(), s.size()), ctx);
  }
};

namespace zp::log {

// What the current call is about; copied into every log line written on this thread while a
// ScopedContext is alive.
struct Context {
  std::string request_id;
  std::string trace_id;
};

const Context& CurrentContext();

// Sets the calling thread's context for its lifetime and restores the previous one afterwards.
class ScopedContext {
 public:
  explicit ScopedContext(Context context);
  ~ScopedContext();
  ScopedContext(const ScopedContext&) = delete;
  ScopedContext& operator=(const ScopedContext&) = delete;

 private:
  Context previous_;
};

// Formats each record as one JSON object per line:
// {"ts":"2026-11-28T01:02:03.456Z","level":"info","service":"sgec","msg":"...",
//  "request_id":"...","trace_id":"...","thread":123}
class JsonFormatter final : public spdlog::formatter {
 public:
  explicit JsonFormatter(std::string service) : service_(std::move(service)) {}
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override;
  std::unique_ptr<spdlog::formatter> clone() const override;

 private:
  std::string service_;
};

// Makes the default spdlog logger write JSON lines on stderr for `service` at `level`
// ("trace", "debug", "info", "warn", "error").
void Init(absl::string_view service, absl::string_view level = "info");

// Appends `text` to `out` as the inside of a JSON string.
void AppendJsonEscaped(absl::string_view text, std::string* out);

// The trace id (32 hex) of a W3C traceparent header, or "" when it is malformed.
std::string TraceIdFromTraceparent(absl::string_view traceparent);
// A traceparent for the next hop: the trace id of `incoming` when it is a valid one, a new trace
// otherwise; always a new span id.
std::string NextTraceparent(absl::string_view incoming);

}  // namespace zp::log
