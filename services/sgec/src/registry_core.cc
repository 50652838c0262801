#include "services/sgec/src/registry_core.h"

#include "google/protobuf/util/time_util.h"
#include "services/sgec/src/idcs.h"
#include "services/sgec/src/queries.h"
#include "zp/auth/territory_scope.h"
#include "zp/events/event.h"

namespace zp::sgec {

RegistryCore::RegistryCore(pg::Pool& pool,
                           std::shared_ptr<const territory::Referential> referential,
                           const core::Clock& clock, events::OutboxNotifier* notifier)
    : pool(pool),
      referential(std::move(referential)),
      clock(clock),
      recorder(internal::kSource, events::TopicFor(internal::kSource), notifier, clock),
      idcs_source(NewIdcs) {}

namespace internal {

bool IsReader(const auth::Principal& p) {
  return auth::HasAnyRole(p, {roles::kCivilAgent, roles::kCivilOfficer, roles::kProvinceCell,
                              roles::kGovernor, roles::kDgct, roles::kAuditor});
}

int64_t NowMicros(const core::Clock& clock) { return absl::ToUnixMicros(clock.Now()); }

google::protobuf::Timestamp Timestamp(int64_t micros) {
  return google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(micros);
}

absl::StatusOr<Scope> ScopeOf(const auth::Principal& p, bool citizens_allowed) {
  Scope scope;
  if (IsReader(p)) {
    const auth::TerritoryScope territories = auth::TerritoryScope::Of(p);
    scope.codes = territories.codes();
    scope.prefixes = territories.prefixes();
    return scope;
  }
  if (citizens_allowed && p.HasRole(roles::kCitizen)) {
    scope.citizen_idcs = p.idcs.empty() ? std::string("-") : p.idcs;  // '-' matches no act
    return scope;
  }
  return absl::PermissionDeniedError("this role does not read the civil registry");
}

Names NormalizedNames(const v1::PersonName& n) {
  return {NormalizeName(absl::StrCat(n.given_name().ar(), " ", n.family_name().ar())),
          NormalizeName(absl::StrCat(n.given_name().fr(), " ", n.family_name().fr()))};
}

std::string WordsOf(const v1::PersonName& n) {
  Names names = NormalizedNames(n);
  return pg::TextArray(NameLexemes(names.ar, names.lat));
}

pg::Param DateParam(const common::v1::Date& date) {
  if (!ToCivilDay(date).has_value()) return nullptr;
  return DateText(date);
}

absl::Status NotFound(absl::string_view what, absl::string_view id) {
  return absl::NotFoundError(absl::StrCat(what, " ", id, " not found"));
}

service::Change ChangeOf(const Context& ctx, const std::string& resource,
                         const std::string& territory, const std::string& subject,
                         const google::protobuf::Message& event,
                         const google::protobuf::Message& state) {
  service::Change change = service::ChangeBy(ctx.caller, ctx.role, ctx.method);
  change.request_id = ctx.request_id;
  change.resource = resource;
  change.territory = territory;
  change.subject = subject;
  change.event = &event;
  change.state = &state;
  return change;
}

v1::Bureau BureauFromRow(const pg::Result& r, int i) {
  v1::Bureau b;
  b.set_code(std::string(r.Text(i, 0)));
  b.set_commune_code(std::string(r.Text(i, 1)));
  b.set_country_code(std::string(r.Text(i, 2)));
  b.mutable_name()->set_ar(std::string(r.Text(i, 4)));
  b.mutable_name()->set_fr(std::string(r.Text(i, 5)));
  return b;
}

absl::StatusOr<std::string> BureauTerritory(pg::Pool& pool, const auth::Principal& p,
                                            const territory::Referential& referential,
                                            const std::string& code) {
  if (code.empty()) return core::InvalidArgumentError("bureau_code", "required");
  ASSIGN_OR_RETURN(pg::Result bureau, pool.Exec(sql::kGetBureau, {code}));
  if (bureau.rows() == 0 || !auth::CanAccessTerritory(p, bureau.Text(0, 3), referential)) {
    return NotFound("bureau", code);
  }
  return std::string(bureau.Text(0, 3));
}

}  // namespace internal
}  // namespace zp::sgec
