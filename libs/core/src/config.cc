#include "zp/core/config.h"

#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "zp/core/status.h"

namespace zp::core {

EnvLookup ProcessEnv() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) {
      return std::nullopt;
    }
    return std::string(value);
  };
}

std::string Config::EnvName(absl::string_view name) {
  return absl::StrCat("ZP_", absl::AsciiStrToUpper(name));
}

absl::StatusOr<Config> Config::Parse(const std::vector<Setting>& settings, int argc,
                                     const char* const* argv, const EnvLookup& env) {
  Config config;
  config.settings_ = settings;
  for (const Setting& s : settings) {
    std::optional<std::string> from_env = env(EnvName(s.name));
    config.values_[s.name] = from_env.has_value() ? *from_env : s.default_value;
  }
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      config.help_requested_ = true;
      continue;
    }
    if (!absl::StartsWith(arg, "--")) {
      config.args_.emplace_back(arg);
      continue;
    }
    arg.remove_prefix(2);
    std::string name;
    std::string value;
    if (size_t eq = arg.find('='); eq != absl::string_view::npos) {
      name = std::string(arg.substr(0, eq));
      value = std::string(arg.substr(eq + 1));
    } else {
      name = std::string(arg);
      if (i + 1 >= argc) {
        return InvalidArgumentError(name, absl::StrCat("flag --", name, " needs a value"));
      }
      value = argv[++i];
    }
    auto it = config.values_.find(name);
    if (it == config.values_.end()) {
      return InvalidArgumentError(name, absl::StrCat("unknown flag --", name));
    }
    it->second = value;
  }
  return config;
}

std::string Config::Usage() const {
  std::string out = absl::StrFormat("%-28s %-30s %-24s %s\n", "flag", "env", "default", "meaning");
  for (const Setting& s : settings_) {
    absl::StrAppendFormat(&out, "--%-26s %-30s %-24s %s\n", s.name, EnvName(s.name),
                          s.default_value.empty() ? "\"\"" : s.default_value, s.help);
  }
  return out;
}

std::string Config::String(absl::string_view name) const {
  auto it = values_.find(name);
  return it == values_.end() ? std::string() : it->second;
}

absl::StatusOr<int64_t> Config::Int(absl::string_view name) const {
  int64_t value = 0;
  if (!absl::SimpleAtoi(String(name), &value)) {
    return InvalidArgumentError(
        name, absl::StrCat("--", name, " must be an integer, got \"", String(name), "\""));
  }
  return value;
}

absl::StatusOr<bool> Config::Bool(absl::string_view name) const {
  bool value = false;
  if (!absl::SimpleAtob(String(name), &value)) {
    return InvalidArgumentError(
        name, absl::StrCat("--", name, " must be true or false, got \"", String(name), "\""));
  }
  return value;
}

absl::StatusOr<absl::Duration> Config::Duration(absl::string_view name) const {
  absl::Duration value;
  if (!absl::ParseDuration(String(name), &value)) {
    return InvalidArgumentError(
        name,
        absl::StrCat("--", name, " must be a duration such as 5s, got \"", String(name), "\""));
  }
  return value;
}

}  // namespace zp::core
