#pragma once

#include <initializer_list>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/struct.pb.h"
#include "zp/territory/referential.h"

namespace zp::auth {

// The roles of DESIGN.md, section 4.
namespace roles {
inline constexpr absl::string_view kCitizen = "citizen";
inline constexpr absl::string_view kCompany = "company";
inline constexpr absl::string_view kAgent = "agent";
inline constexpr absl::string_view kCtAdmin = "ct_admin";
inline constexpr absl::string_view kCivilAgent = "civil_agent";
inline constexpr absl::string_view kCivilOfficer = "civil_officer";
inline constexpr absl::string_view kHealthFacility = "health_facility";
inline constexpr absl::string_view kProvinceCell = "province_cell";
inline constexpr absl::string_view kGovernor = "governor";
inline constexpr absl::string_view kDgct = "dgct";
inline constexpr absl::string_view kAuditor = "auditor";
// A zeropapier service calling another on its own account (subject "service:<name>"), such as
// WATIQA issuing the copies of a paid order through SGEC. Only tokens signed by that service's
// own key carry it (JwtVerifier).
inline constexpr absl::string_view kService = "service";
// Partners, identified by their client certificate on the partner port.
inline constexpr absl::string_view kTgr = "tgr";
inline constexpr absl::string_view kBarid = "barid";
inline constexpr absl::string_view kAdd = "add";
}  // namespace roles

bool IsKnownRole(absl::string_view role);

// Who is calling: from a verified JWT (users) or a verified client certificate (partners).
struct Principal {
  std::string subject;
  std::vector<std::string> roles;
  // HCP codes ("MA", a region, a province or a commune) the principal acts for.
  std::vector<std::string> territories;
  // Civil-status identifier of a citizen, when the token carries one.
  std::string idcs;
  // Partner name from the client certificate ("tgr", "barid", "add"); empty for users.
  std::string partner;
  // The token's `authorization_details` (RFC 9396): what exactly a service token was minted for,
  // such as the copies of one paid order. Each has a string field "type".
  std::vector<google::protobuf::Struct> authorization_details = {};

  bool HasRole(absl::string_view role) const;
  // "watiqa" for a verified service token of WATIQA (subject "service:watiqa"); "" otherwise.
  absl::string_view ServiceName() const;
  // The authorization details of that type, in the token's order.
  std::vector<const google::protobuf::Struct*> AuthorizationDetails(absl::string_view type) const;
};

inline constexpr absl::string_view kServiceSubjectPrefix = "service:";

// PERMISSION_DENIED (reason ROLE_REQUIRED) unless the principal has one of `allowed`.
absl::Status RequireRole(const Principal& principal,
                         std::initializer_list<absl::string_view> allowed);

// The first of `allowed` that the principal holds (the role an action is taken under, for the
// audit trail); PERMISSION_DENIED naming the roles otherwise.
absl::StatusOr<std::string> ActingRole(const Principal& principal,
                                       std::initializer_list<absl::string_view> allowed);

// True when one of the principal's territory codes is `code` or one of its ancestors. A resource
// outside the scope must be answered NOT_FOUND by the caller, never with its data.
bool CanAccessTerritory(const Principal& principal, absl::string_view code,
                        const territory::Referential& referential);

}  // namespace zp::auth
