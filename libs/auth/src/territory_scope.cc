#include "zp/auth/territory_scope.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace zp::auth {

TerritoryScope TerritoryScope::Of(const Principal& p, Depth depth) {
  if (depth == Depth::kWithin) {
    for (const std::string& t : p.territories) {
      if (t == kNationalTerritory) return National();
    }
  }
  return TerritoryScope(false, p.territories, depth);
}

TerritoryScope TerritoryScope::Within(absl::string_view code) {
  if (code == kNationalTerritory) return National();
  return TerritoryScope(false, {std::string(code)}, Depth::kWithin);
}

pg::Param TerritoryScope::codes() const {
  if (national_) return nullptr;
  // No territory: an array of one code that matches nothing (an empty array reads as "none"
  // too, but says less).
  return pg::TextArray(codes_.empty() ? std::vector<std::string>{""} : codes_);
}

pg::Param TerritoryScope::prefixes() const {
  if (national_) return nullptr;
  std::vector<std::string> below;
  if (depth_ == Depth::kWithin) {
    for (const std::string& t : codes_) below.push_back(absl::StrCat(t, ".%"));
  }
  return pg::TextArray(below);
}

bool TerritoryScope::Contains(absl::string_view code) const {
  if (national_) return true;
  for (const std::string& t : codes_) {
    if (code == t) return true;
    if (depth_ == Depth::kWithin && code.size() > t.size() && absl::StartsWith(code, t) &&
        code[t.size()] == '.') {
      return true;
    }
  }
  return false;
}

bool HasAnyRole(const Principal& p, std::initializer_list<absl::string_view> roles) {
  for (absl::string_view r : roles) {
    if (p.HasRole(r)) return true;
  }
  return false;
}

}  // namespace zp::auth
