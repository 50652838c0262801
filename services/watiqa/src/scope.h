#pragma once

// Who may do what with orders, and the territory scope of staff queries.

#include <initializer_list>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "zp/auth/principal.h"
#include "zp/pg/connection.h"
#include "zp/territory/referential.h"

namespace zp::watiqa {

namespace roles = auth::roles;

// Who places orders: citizens, and civil-status staff on someone's behalf.
inline constexpr std::initializer_list<absl::string_view> kOrderers = {
    roles::kCitizen, roles::kCivilAgent, roles::kCivilOfficer};
// Staff who read the orders of their territory's bureaus.
inline constexpr std::initializer_list<absl::string_view> kStaff = {
    roles::kCivilAgent, roles::kCivilOfficer, roles::kAgent,   roles::kCtAdmin,
    roles::kProvinceCell, roles::kGovernor,   roles::kDgct,    roles::kAuditor};

inline bool HasAnyRole(const auth::Principal& p, std::initializer_list<absl::string_view> roles) {
  for (absl::string_view r : roles) {
    if (p.HasRole(r)) return true;
  }
  return false;
}
inline bool IsStaff(const auth::Principal& p) { return HasAnyRole(p, kStaff); }
inline bool IsOrderingStaff(const auth::Principal& p) {
  return p.HasRole(roles::kCivilAgent) || p.HasRole(roles::kCivilOfficer);
}

// Staff whose territory holds `territory` (the referential's "MA" is held only by national staff:
// consulates' acts).
inline bool CanReadTerritory(const auth::Principal& p, const std::string& territory,
                             const territory::Referential& referential) {
  return IsStaff(p) && auth::CanAccessTerritory(p, territory, referential);
}

// SQL parameters of a staff scope: codes and "<code>.%" prefixes; NULL codes: national.
struct Scope {
  pg::Param codes = pg::Param(nullptr);
  pg::Param prefixes = pg::Param(nullptr);
};

inline Scope ScopeOf(const auth::Principal& p) {
  std::vector<std::string> codes, prefixes;
  for (const std::string& t : p.territories) {
    if (t == "MA") return Scope{};
    codes.push_back(t);
    prefixes.push_back(absl::StrCat(t, ".%"));
  }
  if (codes.empty()) codes.push_back("");  // no territory: sees nothing
  return Scope{pg::TextArray(codes), pg::TextArray(prefixes)};
}

}  // namespace zp::watiqa
