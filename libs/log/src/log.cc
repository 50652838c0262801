#include "zp/log/log.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "spdlog/sinks/stdout_sinks.h"
#include "zp/core/random.h"

namespace zp::log {
namespace {

thread_local Context current_context;

}  // namespace

const Context& CurrentContext() { return current_context; }

ScopedContext::ScopedContext(Context context) : previous_(std::move(current_context)) {
  current_context = std::move(context);
}

ScopedContext::~ScopedContext() { current_context = std::move(previous_); }

void AppendJsonEscaped(absl::string_view text, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (char c : text) {
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out->append("\\u00");
          out->push_back(kHex[(c >> 4) & 0xf]);
          out->push_back(kHex[c & 0xf]);
        } else {
          out->push_back(c);
        }
    }
  }
}

void JsonFormatter::format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) {
  std::string line = "{\"ts\":\"";
  absl::Time t = absl::FromChrono(msg.time);
  line += absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", t, absl::UTCTimeZone());
  absl::StrAppend(&line, "\",\"level\":\"", spdlog::level::to_string_view(msg.level).data(),
                  "\",\"service\":\"");
  AppendJsonEscaped(service_, &line);
  line += "\",\"msg\":\"";
  AppendJsonEscaped(absl::string_view(msg.payload.data(), msg.payload.size()), &line);
  line += "\"";
  const Context& ctx = CurrentContext();
  if (!ctx.request_id.empty()) {
    line += ",\"request_id\":\"";
    AppendJsonEscaped(ctx.request_id, &line);
    line += "\"";
  }
  if (!ctx.trace_id.empty()) {
    line += ",\"trace_id\":\"";
    AppendJsonEscaped(ctx.trace_id, &line);
    line += "\"";
  }
  absl::StrAppend(&line, ",\"thread\":", msg.thread_id, "}\n");
  dest.append(line.data(), line.data() + line.size());
}

std::unique_ptr<spdlog::formatter> JsonFormatter::clone() const {
  return std::make_unique<JsonFormatter>(service_);
}

void Init(absl::string_view service, absl::string_view level) {
  auto logger = std::make_shared<spdlog::logger>(std::string(service),
                                                 std::make_shared<spdlog::sinks::stderr_sink_mt>());
  logger->set_formatter(std::make_unique<JsonFormatter>(std::string(service)));
  logger->set_level(spdlog::level::from_str(std::string(level)));
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(logger);
}

std::string TraceIdFromTraceparent(absl::string_view traceparent) {
  // version "-" trace-id "-" parent-id "-" flags
  std::vector<absl::string_view> parts = absl::StrSplit(traceparent, '-');
  if (parts.size() != 4 || parts[0].size() != 2 || parts[1].size() != 32 || parts[2].size() != 16) {
    return "";
  }
  for (char c : parts[1]) {
    if (!absl::ascii_isxdigit(static_cast<unsigned char>(c))) {
      return "";
    }
  }
  if (parts[1] == std::string(32, '0')) {
    return "";
  }
  return std::string(parts[1]);
}

std::string NextTraceparent(absl::string_view incoming) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string trace_id = TraceIdFromTraceparent(incoming);
  if (trace_id.empty()) trace_id = core::SecureRandomString(32, kHex);
  return absl::StrCat("00-", trace_id, "-", core::SecureRandomString(16, kHex), "-01");
}

}  // namespace zp::log
