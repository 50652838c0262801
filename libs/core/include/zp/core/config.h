#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace zp::core {

// One setting: `name` is snake_case; it is read from the flag --<name> and the env var ZP_<NAME>.
struct Setting {
  std::string name;
  std::string default_value;
  std::string help;
};

// Looks an environment variable up; injectable so that tests do not touch the process environment.
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;
EnvLookup ProcessEnv();

// Configuration from flags, env vars and defaults, in that order of precedence. Unknown flags and
// malformed values are errors, so that a typo never silently falls back to a default.
class Config {
 public:
  static absl::StatusOr<Config> Parse(const std::vector<Setting>& settings, int argc,
                                      const char* const* argv, const EnvLookup& env = ProcessEnv());

  // Env var name of a setting: "pg_url" -> "ZP_PG_URL".
  static std::string EnvName(absl::string_view name);

  bool help_requested() const { return help_requested_; }
  // A table of every setting: flag, env var, default and help; printed by --help.
  std::string Usage() const;

  std::string String(absl::string_view name) const;
  absl::StatusOr<int64_t> Int(absl::string_view name) const;
  absl::StatusOr<bool> Bool(absl::string_view name) const;
  // Durations use absl syntax: "250ms", "30s", "5m".
  absl::StatusOr<absl::Duration> Duration(absl::string_view name) const;
  // Positional arguments (those that are not flags), in order.
  const std::vector<std::string>& args() const { return args_; }

 private:
  std::vector<Setting> settings_;
  std::map<std::string, std::string, std::less<>> values_;
  std::vector<std::string> args_;
  bool help_requested_ = false;
};

}  // namespace zp::core
