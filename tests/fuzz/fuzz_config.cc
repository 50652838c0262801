// Flags and environment come from operators and manifests: parsing must report, never crash.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "zp/core/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> args = absl::StrSplit(text, '\n');
  std::vector<const char*> argv = {"fuzz"};
  for (const std::string& a : args) {
    argv.push_back(a.c_str());
  }
  std::vector<zp::core::Setting> settings = {{"size", "1", ""}, {"timeout", "1s", ""}};
  auto config = zp::core::Config::Parse(settings, static_cast<int>(argv.size()), argv.data(),
                                        [](const std::string&) { return std::nullopt; });
  if (config.ok()) {
    (void)config->Int("size");
    (void)config->Duration("timeout");
    (void)config->Bool("size");
  }
  return 0;
}
