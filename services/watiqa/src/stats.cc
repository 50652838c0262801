// OrderStats: counts by state and median delays per commune and period, over the orders of the
// territory the caller asks for (the store computes them: OrderStore::Figures).
#include "absl/strings/str_cat.h"
#include "services/watiqa/src/desk.h"
#include "services/watiqa/src/scope.h"
#include "zp/core/clock.h"
#include "zp/core/dates.h"
#include "zp/core/status.h"

namespace zp::watiqa {

absl::StatusOr<v1::OrderStatsResponse> Desk::OrderStats(const Caller& c,
                                                        const v1::OrderStatsRequest& r) {
  if (c.anonymous()) return absl::UnauthenticatedError("a bearer token is required");
  const auth::Principal& p = c.principal;
  if (!IsStaff(p)) return auth::ActingRole(p, kStaff).status();
  std::string territory = r.territory();
  if (territory.empty()) territory = p.territories.empty() ? "" : p.territories.front();
  core::Violations v;
  if (referential_->Find(territory) == nullptr) {
    v.Add("territory", "a commune, province, region or MA");
  }
  const std::optional<absl::CivilDay> from_day = core::ToCivilDay(r.from());
  const std::optional<absl::CivilDay> to_day = core::ToCivilDay(r.to());
  if (r.has_from() && !from_day.has_value()) v.Add("from", "a calendar date");
  if (r.has_to() && !to_day.has_value()) v.Add("to", "a calendar date");
  RETURN_IF_ERROR(v.ToStatus());
  // Outside the caller's territory: as if there were no such territory.
  if (!CanReadTerritory(p, territory, *referential_)) {
    return absl::NotFoundError(absl::StrCat("territory ", territory, " not found"));
  }
  const absl::TimeZone zone = core::MoroccoZone();
  const absl::CivilDay today = absl::ToCivilDay(clock_.Now(), zone);
  const absl::CivilDay to = r.has_to() ? *to_day : today;
  const absl::CivilDay from = r.has_from() ? *from_day : to - 30;
  if (from > to) return core::InvalidArgumentError("from", "on or before `to`");
  ASSIGN_OR_RETURN(OrderFigures figures,
                   store_.Figures(auth::TerritoryScope::Within(territory),
                                  absl::FromCivil(from, zone), absl::FromCivil(to + 1, zone)));
  v1::OrderStatsResponse out;
  out.set_territory(territory);
  *out.mutable_from() = core::ToDate(from);
  *out.mutable_to() = core::ToDate(to);
  *out.mutable_total() = std::move(figures.total);
  out.mutable_total()->set_commune_code(territory);
  for (v1::CommuneStats& s : figures.communes) *out.add_communes() = std::move(s);
  return out;
}

}  // namespace zp::watiqa
