// traceparent headers come from any client and from Kafka message headers.
#include <cstddef>
#include <cstdint>
#include <string>

#include "zp/log/log.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string header(reinterpret_cast<const char*>(data), size);
  std::string trace_id = zp::log::TraceIdFromTraceparent(header);
  if (!trace_id.empty() && trace_id.size() != 32) {
    __builtin_trap();
  }
  std::string escaped;
  zp::log::AppendJsonEscaped(header, &escaped);
  return 0;
}
