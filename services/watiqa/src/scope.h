#pragma once

// Who may do what with orders.

#include <initializer_list>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "zp/auth/territory_scope.h"
#include "zp/territory/referential.h"

namespace zp::watiqa {

namespace roles = auth::roles;

// Who places orders: citizens, and civil-status staff on someone's behalf.
inline constexpr std::initializer_list<absl::string_view> kOrderers = {
    roles::kCitizen, roles::kCivilAgent, roles::kCivilOfficer};
// Staff who read the orders of their territory's bureaus.
inline constexpr std::initializer_list<absl::string_view> kStaff = {
    roles::kCivilAgent,   roles::kCivilOfficer, roles::kAgent, roles::kCtAdmin,
    roles::kProvinceCell, roles::kGovernor,     roles::kDgct,  roles::kAuditor};

inline bool IsStaff(const auth::Principal& p) { return auth::HasAnyRole(p, kStaff); }
inline bool IsOrderingStaff(const auth::Principal& p) {
  return p.HasRole(roles::kCivilAgent) || p.HasRole(roles::kCivilOfficer);
}

// Staff whose territory holds `territory` (the referential's "MA" is held only by national staff:
// consulates' acts).
inline bool CanReadTerritory(const auth::Principal& p, const std::string& territory,
                             const territory::Referential& referential) {
  return IsStaff(p) && auth::CanAccessTerritory(p, territory, referential);
}

}  // namespace zp::watiqa
