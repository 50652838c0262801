// OrderStats: counts by state and median delays per commune and period, computed by PostgreSQL
// over the orders of the scope (percentile_cont; GROUPING SETS give the total beside each commune).
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "services/watiqa/src/desk.h"
#include "services/watiqa/src/scope.h"
#include "zp/core/clock.h"
#include "zp/core/dates.h"
#include "zp/core/status.h"

namespace zp::watiqa {

namespace {

// $1/$2 scope (NULL: national); $3/$4 period [from, to) in microseconds.
#define ZP_WATIQA_STATS_WHERE \
  " WHERE " ZP_IN_TERRITORY_SCOPE("territory", "$1", "$2")                                  \
  " AND created_at >= to_timestamp($3::numeric / 1000000)"                                 \
  " AND created_at < to_timestamp($4::numeric / 1000000)"

constexpr pg::Query kCounts{"wtq_stats_counts",
                            "SELECT territory, state, count(*) FROM orders" ZP_WATIQA_STATS_WHERE
                            " GROUP BY GROUPING SETS ((territory, state), (state))"
                            " ORDER BY territory NULLS FIRST, state"};

constexpr pg::Query kDelays{
    "wtq_stats_delays",
    "SELECT territory, count(*),"
    " percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM dispatched_at - paid_at))"
    "   FILTER (WHERE dispatched_at IS NOT NULL AND paid_at IS NOT NULL),"
    " percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM delivered_at - paid_at))"
    "   FILTER (WHERE delivered_at IS NOT NULL AND paid_at IS NOT NULL),"
    " coalesce(sum(fee_centimes) FILTER (WHERE paid_at IS NOT NULL AND state <> 9), 0)"
    " FROM orders" ZP_WATIQA_STATS_WHERE
    " GROUP BY GROUPING SETS ((territory), ()) ORDER BY territory NULLS FIRST"};

#undef ZP_WATIQA_STATS_WHERE

double Hours(const pg::Result& r, int row, int col) { return r.Double(row, col) / 3600.0; }

}  // namespace

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
  const auth::TerritoryScope scope = auth::TerritoryScope::Within(territory);
  const std::string from_us = absl::StrCat(absl::ToUnixMicros(absl::FromCivil(from, zone)));
  const std::string to_us = absl::StrCat(absl::ToUnixMicros(absl::FromCivil(to + 1, zone)));
  ASSIGN_OR_RETURN(pg::Result counts,
                   pool_.Exec(kCounts, {scope.codes(), scope.prefixes(), from_us, to_us}));
  ASSIGN_OR_RETURN(pg::Result delays,
                   pool_.Exec(kDelays, {scope.codes(), scope.prefixes(), from_us, to_us}));
  v1::OrderStatsResponse out;
  out.set_territory(territory);
  *out.mutable_from() = core::ToDate(from);
  *out.mutable_to() = core::ToDate(to);
  out.mutable_total()->set_commune_code(territory);
  std::map<std::string, v1::CommuneStats*> by_commune;
  auto stats_of = [&](const pg::Result& rows, int i) -> v1::CommuneStats* {
    if (rows.IsNull(i, 0)) return out.mutable_total();
    std::string code(rows.Text(i, 0));
    auto [it, added] = by_commune.try_emplace(code, nullptr);
    if (added) {
      it->second = out.add_communes();
      it->second->set_commune_code(code);
    }
    return it->second;
  };
  for (int i = 0; i < delays.rows(); ++i) {
    v1::CommuneStats* s = stats_of(delays, i);
    s->set_orders(delays.Int(i, 1));
    s->set_median_hours_payment_to_dispatch(Hours(delays, i, 2));
    s->set_median_hours_payment_to_delivery(Hours(delays, i, 3));
    s->set_revenue_centimes(delays.Int(i, 4));
  }
  for (int i = 0; i < counts.rows(); ++i) {
    v1::StateCount* sc = stats_of(counts, i)->add_counts();
    sc->set_state(static_cast<v1::OrderState>(counts.Int(i, 1)));
    sc->set_count(counts.Int(i, 2));
  }
  return out;
}

}  // namespace zp::watiqa
