#include "zp/auth/principal.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "zp/core/status.h"

namespace zp::auth {

bool IsKnownRole(absl::string_view role) {
  for (absl::string_view known :
       {roles::kCitizen, roles::kCompany, roles::kAgent, roles::kCtAdmin, roles::kCivilAgent,
        roles::kCivilOfficer, roles::kHealthFacility, roles::kProvinceCell, roles::kGovernor,
        roles::kDgct, roles::kAuditor, roles::kService, roles::kTgr, roles::kBarid, roles::kAdd}) {
    if (role == known) {
      return true;
    }
  }
  return false;
}

bool Principal::HasRole(absl::string_view role) const {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

absl::string_view Principal::ServiceName() const {
  absl::string_view name = subject;
  if (!HasRole(roles::kService) || !absl::ConsumePrefix(&name, kServiceSubjectPrefix)) return "";
  return name;
}

std::vector<const google::protobuf::Struct*> Principal::AuthorizationDetails(
    absl::string_view type) const {
  std::vector<const google::protobuf::Struct*> out;
  for (const google::protobuf::Struct& detail : authorization_details) {
    auto it = detail.fields().find("type");
    if (it != detail.fields().end() && it->second.string_value() == type) out.push_back(&detail);
  }
  return out;
}

absl::Status RequireRole(const Principal& principal,
                         std::initializer_list<absl::string_view> allowed) {
  for (absl::string_view role : allowed) {
    if (principal.HasRole(role)) {
      return absl::OkStatus();
    }
  }
  return core::ErrorWithReason(
      absl::StatusCode::kPermissionDenied,
      absl::StrCat("this action needs one of the roles: ", absl::StrJoin(allowed, ", ")),
      "ROLE_REQUIRED");
}

absl::StatusOr<std::string> ActingRole(const Principal& principal,
                                       std::initializer_list<absl::string_view> allowed) {
  for (absl::string_view role : allowed) {
    if (principal.HasRole(role)) return std::string(role);
  }
  absl::Status denied = RequireRole(principal, allowed);
  return denied.ok() ? absl::PermissionDeniedError("no allowed role") : denied;
}

bool CanAccessTerritory(const Principal& principal, absl::string_view code,
                        const territory::Referential& referential) {
  for (const std::string& scope : principal.territories) {
    if (referential.IsWithin(code, scope)) {
      return true;
    }
  }
  return false;
}

}  // namespace zp::auth
