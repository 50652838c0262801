#include "services/sgec/src/bureaus.h"

#include "absl/strings/ascii.h"
#include "google/protobuf/util/json_util.h"
#include "services/sgec/src/queries.h"
#include "zp/core/countries.h"
#include "zp/names/names.h"
#include "zp/pg/idempotency.h"
#include "zp/sgec/v1/events.pb.h"

namespace zp::sgec {
using namespace internal;  // NOLINT: the registry's own helpers

absl::Status Bureaus::SeedBureaus() {
  v1::ListBureausResponse all;
  for (const territory::Territory* region : core_.referential->Children(territory::kCountryCode)) {
    for (const territory::Territory* province : core_.referential->Children(region->code)) {
      for (const territory::Territory* commune : core_.referential->Children(province->code)) {
        if (commune->level != territory::Level::kCommune) continue;
        v1::Bureau* b = all.add_bureaus();
        b->set_code(commune->code);
        b->set_commune_code(commune->code);
        b->mutable_name()->set_ar(absl::StrCat("مكتب الحالة المدنية ", commune->name_ar));
        b->mutable_name()->set_fr(
            absl::StrCat("Bureau d'état civil ", names::FrenchDe(commune->name_fr)));
      }
    }
  }
  std::string json;
  auto status = google::protobuf::util::MessageToJsonString(all, &json);
  if (!status.ok()) return absl::InternalError(std::string(status.message()));
  return core_.pool.Exec(sql::kSeedBureaus, {json}).status();
}

absl::StatusOr<v1::Bureau> Bureaus::CreateBureau(const Caller& c,
                                                 const v1::CreateBureauRequest& r) {
  ASSIGN_OR_RETURN(std::string role, ActingRole(c.principal, {roles::kDgct}));
  RETURN_IF_ERROR(CheckRequestId(r.request_id()));
  const v1::Bureau& b = r.bureau();
  core::Violations v;
  bool code_ok = !b.code().empty() && b.code().size() <= 32;
  for (char ch : b.code()) {
    code_ok =
        code_ok && (absl::ascii_isupper(ch) || absl::ascii_isdigit(ch) || ch == '.' || ch == '-');
  }
  if (!code_ok) v.Add("bureau.code", "1 to 32 of A-Z, 0-9, '.', '-'");
  const bool consulate = !b.country_code().empty();
  if (consulate) {
    if (b.country_code() == kNational || !core::IsCountryCode(b.country_code())) {
      v.Add("bureau.country_code", "ISO 3166 alpha-2 code of a foreign country");
    }
    if (!b.commune_code().empty()) v.Add("bureau.commune_code", "empty for a consulate");
  } else {
    const territory::Territory* t = core_.referential->Find(b.commune_code());
    if (t == nullptr || t->level != territory::Level::kCommune) {
      v.Add("bureau.commune_code", "a commune of the territorial referential");
    }
  }
  if (b.name().ar().empty()) v.Add("bureau.name.ar", "required");
  if (b.name().fr().empty()) v.Add("bureau.name.fr", "required");
  RETURN_IF_ERROR(v.ToStatus());
  const std::string territory = consulate ? kNational : b.commune_code();
  if (!auth::CanAccessTerritory(c.principal, territory, *core_.referential)) {
    return absl::NotFoundError(absl::StrCat("commune ", b.commune_code(), " not found"));
  }
  Context ctx{c, role, r.request_id(), "CreateBureau"};
  return pg::RunIdempotent<v1::Bureau>(
      core_.pool, ctx.method, c.principal.subject, r.request_id(), r,
      [&](pg::Transaction& tx) -> absl::StatusOr<v1::Bureau> {
        ASSIGN_OR_RETURN(pg::Result ins,
                         tx.Exec(sql::kInsertBureau, {b.code(), b.commune_code(), b.country_code(),
                                                      territory, b.name().ar(), b.name().fr()}));
        if (ins.affected() == 0) {
          return RuleError(absl::StatusCode::kAlreadyExists, reasons::kBureauExists, "bureau.code",
                           "a bureau with this code exists");
        }
        v1::BureauCreated created;
        created.set_code(b.code());
        created.set_commune_code(b.commune_code());
        created.set_country_code(b.country_code());
        created.set_territory(territory);
        RETURN_IF_ERROR(core_.recorder.Record(tx, ChangeOf(ctx, absl::StrCat("bureaus/", b.code()),
                                                           territory, b.code(), created, b)));
        return b;
      });
}

absl::StatusOr<v1::ListBureausResponse> Bureaus::ListBureaus(const Caller& c,
                                                             const v1::ListBureausRequest& r) {
  ASSIGN_OR_RETURN(int size, PageSize(r.page_size()));
  if (!IsReader(c.principal) && !c.principal.HasRole(roles::kHealthFacility)) {
    return absl::PermissionDeniedError("staff only");
  }
  Scope scope;
  if (!IsReader(c.principal)) {  // health facilities: their territories
    auth::Principal staff = c.principal;
    staff.roles = {std::string(roles::kCivilAgent)};
    ASSIGN_OR_RETURN(scope, ScopeOf(staff, false));
  } else {
    ASSIGN_OR_RETURN(scope, ScopeOf(c.principal, false));
  }
  ASSIGN_OR_RETURN(std::string after, core::DecodePageToken(r.page_token()));
  ASSIGN_OR_RETURN(pg::Result rows,
                   core_.pool.Exec(sql::kListBureaus, {r.commune_code(), scope.codes,
                                                       scope.prefixes, after, size + 1}));
  v1::ListBureausResponse out;
  for (int i = 0; i < rows.rows() && i < size; ++i) *out.add_bureaus() = BureauFromRow(rows, i);
  if (rows.rows() > size)
    out.set_next_page_token(core::EncodePageToken(out.bureaus(size - 1).code()));
  return out;
}

}  // namespace zp::sgec
