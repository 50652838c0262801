#include "services/sgec/src/registry.h"

#include <optional>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/time_util.h"
#include "services/sgec/src/idcs.h"
#include "services/sgec/src/names.h"
#include "services/sgec/src/queries.h"
#include "services/sgec/src/registry_internal.h"
#include "services/sgec/src/rules.h"
#include "zp/audit/audit.h"
#include "zp/core/api.h"
#include "zp/core/status.h"
#include "zp/core/uuid.h"
#include "zp/events/event.h"
#include "zp/pg/idempotency.h"
#include "zp/sgec/v1/events.pb.h"

namespace zp::sgec {
using namespace internal;  // NOLINT: the registry's own helpers

Registry::Registry(pg::Pool& pool, std::shared_ptr<const territory::Referential> referential,
                   const core::Clock& clock, events::OutboxNotifier* notifier)
    : pool_(pool),
      referential_(std::move(referential)),
      clock_(clock),
      recorder_(kSource, events::TopicFor(kSource), notifier, clock),
      idcs_source_(NewIdcs) {}

// ---------------------------------------------------------------------------------------------
// Helpers bound to the registry.

// ---------------------------------------------------------------------------------------------
// Bureaus.

absl::Status Registry::SeedBureaus() {
  v1::ListBureausResponse all;
  for (const territory::Territory* region : referential_->Children(territory::kCountryCode)) {
    for (const territory::Territory* province : referential_->Children(region->code)) {
      for (const territory::Territory* commune : referential_->Children(province->code)) {
        if (commune->level != territory::Level::kCommune) continue;
        v1::Bureau* b = all.add_bureaus();
        b->set_code(commune->code);
        b->set_commune_code(commune->code);
        b->mutable_name()->set_ar(absl::StrCat("مكتب الحالة المدنية ", commune->name_ar));
        b->mutable_name()->set_fr(absl::StrCat("Bureau d'état civil de ", commune->name_fr));
      }
    }
  }
  std::string json;
  auto status = google::protobuf::util::MessageToJsonString(all, &json);
  if (!status.ok()) return absl::InternalError(std::string(status.message()));
  return pool_.Exec(sql::kSeedBureaus, {json}).status();
}

absl::StatusOr<v1::Bureau> Registry::CreateBureau(const Caller& c,
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
    if (b.country_code().size() != 2 || b.country_code() == kNational ||
        !absl::ascii_isupper(b.country_code()[0]) || !absl::ascii_isupper(b.country_code()[1])) {
      v.Add("bureau.country_code", "ISO 3166 alpha-2 code of a foreign country");
    }
    if (!b.commune_code().empty()) v.Add("bureau.commune_code", "empty for a consulate");
  } else {
    const territory::Territory* t = referential_->Find(b.commune_code());
    if (t == nullptr || t->level != territory::Level::kCommune) {
      v.Add("bureau.commune_code", "a commune of the territorial referential");
    }
  }
  if (b.name().ar().empty()) v.Add("bureau.name.ar", "required");
  if (b.name().fr().empty()) v.Add("bureau.name.fr", "required");
  RETURN_IF_ERROR(v.ToStatus());
  const std::string territory = consulate ? kNational : b.commune_code();
  if (!auth::CanAccessTerritory(c.principal, territory, *referential_)) {
    return absl::NotFoundError(absl::StrCat("commune ", b.commune_code(), " not found"));
  }
  Context ctx{c, role, r.request_id(), "CreateBureau"};
  return pg::RunIdempotent<v1::Bureau>(
      pool_, ctx.method, c.principal.subject, r.request_id(), r,
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
        RETURN_IF_ERROR(recorder_.Record(tx, ChangeOf(ctx, absl::StrCat("bureaus/", b.code()),
                                                      territory, b.code(), created, b)));
        return b;
      });
}

absl::StatusOr<v1::ListBureausResponse> Registry::ListBureaus(const Caller& c,
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
                   pool_.Exec(sql::kListBureaus,
                              {r.commune_code(), scope.codes, scope.prefixes, after, size + 1}));
  v1::ListBureausResponse out;
  for (int i = 0; i < rows.rows() && i < size; ++i) *out.add_bureaus() = BureauFromRow(rows, i);
  if (rows.rows() > size)
    out.set_next_page_token(core::EncodePageToken(out.bureaus(size - 1).code()));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Declarations.

absl::StatusOr<v1::Declaration> Registry::DeclareBirth(const Caller& c,
                                                       const v1::DeclareBirthRequest& r) {
  v1::Declaration d;
  d.set_kind(v1::BIRTH);
  *d.mutable_birth() = r.birth();
  return Declare(c, r.request_id(), r.bureau_code(), "DeclareBirth", r, std::move(d));
}

absl::StatusOr<v1::Declaration> Registry::DeclareDeath(const Caller& c,
                                                       const v1::DeclareDeathRequest& r) {
  v1::Declaration d;
  d.set_kind(v1::DEATH);
  *d.mutable_death() = r.death();
  return Declare(c, r.request_id(), r.bureau_code(), "DeclareDeath", r, std::move(d));
}

// A health facility's declaration is a notification (NOTIFIED, the declarant may follow); a civil
// agent's is DECLARED.
absl::StatusOr<v1::Declaration> Registry::Declare(const Caller& c, const std::string& request_id,
                                                  const std::string& bureau_code,
                                                  const std::string& method,
                                                  const google::protobuf::Message& request,
                                                  v1::Declaration d) {
  ASSIGN_OR_RETURN(std::string role,
                   ActingRole(c.principal, {roles::kCivilAgent, roles::kHealthFacility}));
  RETURN_IF_ERROR(CheckRequestId(request_id));
  const bool notified = role == roles::kHealthFacility;
  const absl::CivilDay today = MoroccoDay(clock_.Now());
  RETURN_IF_ERROR(d.has_birth() ? ValidateBirth(d.birth(), today, notified, *referential_)
                                : ValidateDeath(d.death(), today, notified, *referential_));
  d.set_state(notified ? v1::NOTIFIED : v1::DECLARED);
  ASSIGN_OR_RETURN(pg::Result bureau, pool_.Exec(sql::kGetBureau, {bureau_code}));
  if (bureau.rows() == 0 ||
      !auth::CanAccessTerritory(c.principal, bureau.Text(0, 3), *referential_)) {
    return NotFound("bureau", bureau_code);
  }
  const std::string territory(bureau.Text(0, 3));
  Context ctx{c, role, request_id, method};
  return pg::RunIdempotent<v1::Declaration>(
      pool_, method, c.principal.subject, request_id, request,
      [&](pg::Transaction& tx) -> absl::StatusOr<v1::Declaration> {
        v1::Declaration out = d;
        out.set_id(core::NewUuidV7());
        out.set_bureau_code(bureau_code);
        if (territory != kNational) out.set_commune_code(territory);
        out.set_declared_by(c.principal.subject);
        const int64_t now = NowMicros(clock_);
        *out.mutable_create_time() = Timestamp(now);
        *out.mutable_update_time() = Timestamp(now);

        std::string subject_idcs;
        std::string mother_idcs;
        Names names;
        Names mother;
        std::string event_date;
        pg::Param birth_date = nullptr;
        if (out.has_birth()) {
          const auto& b = out.birth();
          // Parents designated by IDCS must be registered; an identified father gives his
          // registered family name.
          for (const auto* parent : {&b.father(), &b.mother()}) {
            if (parent->idcs().empty()) continue;
            const std::string field =
                parent == &b.father() ? "birth.father.idcs" : "birth.mother.idcs";
            ASSIGN_OR_RETURN(auto found, LoadAct(tx, sql::kGetBirthActByIdcs, parent->idcs()));
            if (!found.has_value()) {
              return RuleError(absl::StatusCode::kInvalidArgument, reasons::kParentNotFound, field,
                               "no registered person has this IDCS");
            }
            if (parent == &b.father()) {
              RETURN_IF_ERROR(CheckFamilyName(b, PersonOf(found->act)));
            }
          }
          names = NormalizedNames(b.child());
          mother = NormalizedNames(b.mother().name());
          mother_idcs = b.mother().idcs();
          event_date = DateText(b.birth_date());
          birth_date = event_date;
        } else {
          const auto& x = out.death();
          std::optional<absl::CivilDay> born = ToCivilDay(x.deceased_birth_date());
          if (!x.deceased_idcs().empty()) {
            ASSIGN_OR_RETURN(auto found, LoadAct(tx, sql::kGetBirthActByIdcs, x.deceased_idcs()));
            if (!found.has_value()) {
              return RuleError(absl::StatusCode::kInvalidArgument, reasons::kDeceasedNotFound,
                               "death.deceased_idcs", "no registered person has this IDCS");
            }
            born = PersonOf(found->act).birth_date;
          }
          RETURN_IF_ERROR(CheckDeathAfterBirth(x, born));
          subject_idcs = x.deceased_idcs();
          names = NormalizedNames(x.deceased());
          event_date = DateText(x.death_date());
          if (born.has_value()) birth_date = DateText(ToDate(*born));
        }
        ASSIGN_OR_RETURN(auto candidates, FindDuplicates(tx, out, {}));
        SetDuplicates(out, std::move(candidates));
        RETURN_IF_ERROR(
            tx.Exec(sql::kInsertDeclaration,
                    {out.id(), static_cast<int>(out.kind()), static_cast<int>(out.state()),
                     static_cast<int>(out.duplicate_status()), bureau_code, territory, event_date,
                     subject_idcs, mother_idcs, names.ar, names.lat, mother.ar, mother.lat,
                     birth_date, pg::Param::Bytes(Serialize(out)), absl::StrCat(now),
                     names.key_ar(), names.key_lat()})
                .status());
        v1::DeclarationSubmitted event;
        event.set_declaration_id(out.id());
        event.set_kind(out.kind());
        event.set_state(out.state());
        event.set_bureau_code(bureau_code);
        event.set_commune_code(out.commune_code());
        event.set_duplicate_status(out.duplicate_status());
        RETURN_IF_ERROR(recorder_.Record(
            tx, ChangeOf(ctx, DeclarationName(out.id()), territory, out.id(), event, out)));
        return out;
      });
}

absl::StatusOr<v1::Declaration> Registry::GetDeclaration(const Caller& c,
                                                         const v1::GetDeclarationRequest& r) {
  if (!IsReader(c.principal) && !c.principal.HasRole(roles::kHealthFacility)) {
    return absl::PermissionDeniedError("staff only");
  }
  ASSIGN_OR_RETURN(auto row, LoadDeclaration(pool_, sql::kGetDeclaration, r.id()));
  if (!row.has_value() || !auth::CanAccessTerritory(c.principal, row->territory, *referential_)) {
    return NotFound("declaration", r.id());
  }
  return row->doc;
}

absl::StatusOr<v1::ListDeclarationsResponse> Registry::ListDeclarations(
    const Caller& c, const v1::ListDeclarationsRequest& r) {
  if (!IsReader(c.principal) && !c.principal.HasRole(roles::kHealthFacility)) {
    return absl::PermissionDeniedError("staff only");
  }
  ASSIGN_OR_RETURN(int size, PageSize(r.page_size()));
  ASSIGN_OR_RETURN(pg::Result bureau, pool_.Exec(sql::kGetBureau, {r.bureau_code()}));
  if (bureau.rows() == 0 ||
      !auth::CanAccessTerritory(c.principal, bureau.Text(0, 3), *referential_)) {
    return NotFound("bureau", r.bureau_code());
  }
  ASSIGN_OR_RETURN(std::optional<std::string> after_id, core::DecodeUuidPageToken(r.page_token()));
  pg::Param after = after_id;
  ASSIGN_OR_RETURN(pg::Result rows,
                   pool_.Exec(sql::kListDeclarations,
                              {r.bureau_code(), static_cast<int>(r.state()), after, size + 1}));
  v1::ListDeclarationsResponse out;
  for (int i = 0; i < rows.rows() && i < size; ++i) {
    if (!out.add_declarations()->ParseFromString(rows.Bytes(i, 0))) {
      return absl::DataLossError("declaration document does not parse");
    }
  }
  if (rows.rows() > size)
    out.set_next_page_token(core::EncodePageToken(out.declarations(size - 1).id()));
  return out;
}

namespace {

// Runs one workflow step on a locked declaration within the caller's territory.
template <typename Request>
absl::StatusOr<v1::Declaration> RunStep(
    pg::Pool& pool, const territory::Referential& referential, const core::Clock& clock,
    const service::Recorder& recorder, const Caller& c, const Request& r, const std::string& id,
    const std::string& method, std::initializer_list<absl::string_view> allowed,
    const std::function<absl::Status(pg::Transaction&, DeclarationRow&, Context&)>& change) {
  ASSIGN_OR_RETURN(std::string role, ActingRole(c.principal, allowed));
  RETURN_IF_ERROR(CheckRequestId(r.request_id()));
  Context ctx{c, role, r.request_id(), method};
  return pg::RunIdempotent<v1::Declaration>(
      pool, method, c.principal.subject, r.request_id(), r,
      [&](pg::Transaction& tx) -> absl::StatusOr<v1::Declaration> {
        ASSIGN_OR_RETURN(auto row, LoadDeclaration(tx, sql::kLockDeclaration, id));
        if (!row.has_value() ||
            !auth::CanAccessTerritory(c.principal, row->territory, referential)) {
          return NotFound("declaration", id);
        }
        const v1::DeclarationState previous = row->doc.state();
        RETURN_IF_ERROR(change(tx, *row, ctx));
        const int64_t now = NowMicros(clock);
        *row->doc.mutable_update_time() = Timestamp(now);
        RETURN_IF_ERROR(SaveDeclaration(tx, *row, now));
        const v1::DeclarationStateChanged changed = StateChangeOf(row->doc, previous);
        RETURN_IF_ERROR(recorder.Record(
            tx, ChangeOf(ctx, DeclarationName(id), row->territory, id, changed, row->doc)));
        return row->doc;
      });
}

}  // namespace

absl::StatusOr<v1::Declaration> Registry::ValidateDeclaration(
    const Caller& c, const v1::ValidateDeclarationRequest& r) {
  if (r.has_declarant()) {
    RETURN_IF_ERROR(CheckDeclarant(r.declarant(), "declarant", true));
  }
  return RunStep(pool_, *referential_, clock_, recorder_, c, r, r.id(), "ValidateDeclaration",
                 {roles::kCivilAgent}, [&](pg::Transaction&, DeclarationRow& row, Context&) {
                   RETURN_IF_ERROR(CheckTransition(row.doc.state(), Step::kValidate));
                   v1::Declarant* declarant = row.doc.has_birth()
                                                  ? row.doc.mutable_birth()->mutable_declarant()
                                                  : row.doc.mutable_death()->mutable_declarant();
                   if (r.has_declarant()) *declarant = r.declarant();
                   if (declarant->relation() == v1::DECLARANT_RELATION_UNSPECIFIED) {
                     return core::InvalidArgumentError("declarant",
                                                       "required to validate a notification");
                   }
                   row.doc.set_state(v1::VALIDATED);
                   return absl::OkStatus();
                 });
}

absl::StatusOr<v1::Declaration> Registry::RejectDeclaration(const Caller& c,
                                                            const v1::RejectDeclarationRequest& r) {
  if (r.reason().empty() || r.reason().size() > 2000) {
    return core::InvalidArgumentError("reason", "required, at most 2000 bytes");
  }
  return RunStep(pool_, *referential_, clock_, recorder_, c, r, r.id(), "RejectDeclaration",
                 {roles::kCivilAgent, roles::kCivilOfficer},
                 [&](pg::Transaction&, DeclarationRow& row, Context&) {
                   RETURN_IF_ERROR(CheckTransition(row.doc.state(), Step::kReject));
                   row.doc.set_state(v1::REJECTED);
                   row.doc.set_rejection_reason(r.reason());
                   return absl::OkStatus();
                 });
}

absl::StatusOr<v1::Declaration> Registry::ReviewDuplicate(const Caller& c,
                                                          const v1::ReviewDuplicateRequest& r) {
  if (r.decision() != v1::NOT_DUPLICATE && r.decision() != v1::DUPLICATE) {
    return core::InvalidArgumentError("decision", "NOT_DUPLICATE or DUPLICATE");
  }
  if (r.note().size() > 2000) return core::InvalidArgumentError("note", "at most 2000 bytes");
  return RunStep(
      pool_, *referential_, clock_, recorder_, c, r, r.id(), "ReviewDuplicate",
      {roles::kCivilOfficer}, [&](pg::Transaction&, DeclarationRow& row, Context&) {
        RETURN_IF_ERROR(CheckTransition(row.doc.state(), Step::kReviewDuplicate));
        if (row.doc.duplicate_status() != v1::POTENTIAL_DUPLICATE) {
          return RuleError(absl::StatusCode::kFailedPrecondition, reasons::kNotFlagged, "",
                           "the declaration is not flagged as a potential duplicate");
        }
        if (r.decision() == v1::NOT_DUPLICATE) {
          for (const auto& cand : row.doc.duplicate_candidates()) {
            row.cleared.push_back(cand.act_id().empty() ? cand.declaration_id() : cand.act_id());
          }
          row.doc.set_duplicate_status(v1::NOT_DUPLICATE);
        } else {
          std::vector<std::string> refs;
          for (const auto& cand : row.doc.duplicate_candidates()) {
            refs.push_back(cand.act_id().empty() ? DeclarationName(cand.declaration_id())
                                                 : absl::StrCat("act ", cand.act_reference()));
          }
          row.doc.set_duplicate_status(v1::DUPLICATE);
          row.doc.set_state(v1::REJECTED);
          row.doc.set_rejection_reason(absl::StrCat("duplicate of ", absl::StrJoin(refs, ", "),
                                                    r.note().empty() ? "" : ": ", r.note()));
        }
        return absl::OkStatus();
      });
}

// ---------------------------------------------------------------------------------------------
// Registration.

absl::StatusOr<v1::Act> Registry::RegisterAct(const Caller& c, const v1::RegisterActRequest& r) {
  ASSIGN_OR_RETURN(std::string role, ActingRole(c.principal, {roles::kCivilOfficer}));
  RETURN_IF_ERROR(CheckRequestId(r.request_id()));
  Context ctx{c, role, r.request_id(), "RegisterAct"};
  return pg::RunIdempotent<v1::Act>(
      pool_, ctx.method, c.principal.subject, r.request_id(), r,
      [&](pg::Transaction& tx) -> absl::StatusOr<v1::Act> {
        // One registration at a time per bureau (taken with the declaration's row lock): numbers
        // stay consecutive and two registrations of one person in one bureau see each other.
        ASSIGN_OR_RETURN(auto row,
                         LoadDeclaration(tx, sql::kLockDeclarationToRegister, r.declaration_id()));
        if (!row.has_value() ||
            !auth::CanAccessTerritory(c.principal, row->territory, *referential_)) {
          return NotFound("declaration", r.declaration_id());
        }
        v1::Declaration& d = row->doc;
        RETURN_IF_ERROR(CheckTransition(d.state(), Step::kRegister));
        if (d.duplicate_status() == v1::POTENTIAL_DUPLICATE) return PotentialDuplicate(d);

        ASSIGN_OR_RETURN(auto candidates, FindDuplicates(tx, d, row->cleared));
        const int64_t now = NowMicros(clock_);
        if (!candidates.empty()) {
          SetDuplicates(d, std::move(candidates));
          *d.mutable_update_time() = Timestamp(now);
          RETURN_IF_ERROR(SaveDeclaration(tx, *row, now));
          const v1::DeclarationStateChanged flagged = StateChangeOf(d, d.state());
          RETURN_IF_ERROR(recorder_.Record(
              tx, ChangeOf(ctx, DeclarationName(d.id()), row->territory, d.id(), flagged, d)));
          return pg::CommitThenFail(PotentialDuplicate(d));
        }

        const int year = static_cast<int>(MoroccoDay(clock_.Now()).year());
        v1::Act act;
        act.set_id(core::NewUuidV7());
        act.set_kind(d.kind());
        act.set_bureau_code(d.bureau_code());
        act.set_year(year);
        act.set_commune_code(d.commune_code());
        act.set_declaration_id(d.id());
        act.set_origin(v1::LIVE);
        act.set_registered_by(c.principal.subject);
        *act.mutable_register_time() = Timestamp(now);

        pg::Param idcs = nullptr;
        std::string father_idcs, mother_idcs, subject_idcs;
        Names names, mother;
        std::string event_date, original;
        pg::Param birth_date = nullptr;
        const v1::PersonName* name = nullptr;
        std::optional<ActRow> birth_act;  // of the deceased
        if (d.has_birth()) {
          const auto& b = d.birth();
          // Nine CSPRNG digits and a check digit, drawn below with the insert.
          std::string assigned = idcs_source_();
          act.set_idcs(assigned);
          idcs = assigned;
          subject_idcs = assigned;
          father_idcs = b.father().idcs();
          mother_idcs = b.mother().idcs();
          mother = NormalizedNames(b.mother().name());
          event_date = DateText(b.birth_date());
          birth_date = event_date;
          name = &b.child();
          *act.mutable_birth() = b;
          *act.mutable_current_birth() = b;
          original = Serialize(b);
        } else {
          const auto& x = d.death();
          subject_idcs = x.deceased_idcs();
          act.set_idcs(subject_idcs);
          event_date = DateText(x.death_date());
          if (ToCivilDay(x.deceased_birth_date()).has_value()) {
            birth_date = DateText(x.deceased_birth_date());
          }
          name = &x.deceased();
          *act.mutable_death() = x;
          *act.mutable_current_death() = x;
          original = Serialize(x);
          if (!subject_idcs.empty()) {
            ASSIGN_OR_RETURN(birth_act, LoadAct(tx, sql::kLockBirthActByIdcs, subject_idcs));
          }
        }
        names = NormalizedNames(*name);
        d.set_state(v1::REGISTERED);
        d.set_act_id(act.id());
        *d.mutable_update_time() = Timestamp(now);
        pg::Params params = {act.id(),
                             static_cast<int>(act.kind()),
                             act.bureau_code(),
                             year,
                             row->territory,
                             idcs,
                             subject_idcs,
                             father_idcs,
                             mother_idcs,
                             d.id(),
                             event_date,
                             birth_date,
                             name->given_name().ar(),
                             name->family_name().ar(),
                             name->given_name().fr(),
                             name->family_name().fr(),
                             names.ar,
                             names.lat,
                             mother.ar,
                             mother.lat,
                             pg::Param::Bytes(original),
                             c.principal.subject,
                             absl::StrCat(now),
                             pg::Param::Bytes(Serialize(d)),
                             WordsOf(*name),
                             names.key_ar(),
                             names.key_lat()};
        ASSIGN_OR_RETURN(pg::Result inserted, tx.Exec(sql::kInsertAct, params));
        // A birth whose drawn IDCS was assigned before: draw again (one in 10^9 per assigned
        // IDCS); nothing was written.
        for (int attempt = 0; d.has_birth() && inserted.rows() == 0; ++attempt) {
          if (attempt == 20) return absl::InternalError("could not draw a free IDCS");
          const std::string again = idcs_source_();
          act.set_idcs(again);
          params[5] = again;
          params[6] = again;
          ASSIGN_OR_RETURN(inserted, tx.Exec(sql::kInsertAct, params));
        }
        act.set_number(static_cast<int32_t>(inserted.Int(0, 0)));
        act.set_reference(ActReference(d.bureau_code(), year, act.number()));

        v1::ActRegistered registered =
            ActRegisteredOf(act, d.has_birth() ? d.birth().birth_date() : d.death().death_date());
        const service::Change change =
            ChangeOf(ctx, ActName(act.id()), row->territory, act.id(), registered, act);
        if (d.has_death()) {
          v1::DeathRegistered death;
          death.set_act_id(act.id());
          death.set_act_reference(act.reference());
          death.set_deceased_idcs(subject_idcs);
          *death.mutable_death_date() = d.death().death_date();
          death.set_commune_code(act.commune_code());
          if (birth_act.has_value()) {
            RETURN_IF_ERROR(
                AddDeathMention(tx, recorder_, ctx, *birth_act, act, d.death().death_date(), now));
            death.set_birth_act_id(birth_act->act.id());
          }
          RETURN_IF_ERROR(
              recorder_.RecordBatch(tx, change, {recorder_.EventOf(change, act.id(), death)}));
          return act;
        }
        RETURN_IF_ERROR(recorder_.Record(tx, change));
        return act;
      });
}

// ---------------------------------------------------------------------------------------------
// Acts.

absl::StatusOr<v1::Act> Registry::GetAct(const Caller& c, const v1::GetActRequest& r) {
  if (!core::IsUuid(r.id())) return NotFound("act", r.id());
  ASSIGN_OR_RETURN(pg::Transaction tx, pg::Transaction::Begin(pool_));
  ASSIGN_OR_RETURN(auto row, LoadAct(tx, sql::kGetAct, r.id()));
  RETURN_IF_ERROR(tx.Commit());
  if (!row.has_value() || !CanRead(c.principal, *row, *referential_))
    return NotFound("act", r.id());
  return row->act;
}

absl::StatusOr<v1::Act> Registry::AddMention(const Caller& c, const v1::AddMentionRequest& r) {
  ASSIGN_OR_RETURN(std::string role, ActingRole(c.principal, {roles::kCivilOfficer}));
  RETURN_IF_ERROR(CheckRequestId(r.request_id()));
  RETURN_IF_ERROR(ValidateMention(r.mention(), MoroccoDay(clock_.Now())));
  Context ctx{c, role, r.request_id(), "AddMention"};
  return pg::RunIdempotent<v1::Act>(
      pool_, ctx.method, c.principal.subject, r.request_id(), r,
      [&](pg::Transaction& tx) -> absl::StatusOr<v1::Act> {
        if (!core::IsUuid(r.act_id())) return NotFound("act", r.act_id());
        ASSIGN_OR_RETURN(auto row, LoadAct(tx, sql::kLockAct, r.act_id()));
        if (!row.has_value() ||
            !auth::CanAccessTerritory(c.principal, row->territory, *referential_)) {
          return NotFound("act", r.act_id());
        }
        v1::Act& act = row->act;
        const v1::Mention& in = r.mention();
        if (act.kind() != v1::BIRTH) {
          return RuleError(absl::StatusCode::kFailedPrecondition, reasons::kWrongActKind, "act_id",
                           "mentions of marriage, divorce and rectification go on birth acts");
        }
        if (in.kind() == v1::MENTION_MARRIAGE && act.deceased()) {
          return RuleError(absl::StatusCode::kFailedPrecondition, reasons::kSubjectDeceased,
                           "mention.kind", "the act's subject is deceased");
        }
        if (in.kind() == v1::MENTION_DIVORCE) {
          int balance = 0;
          for (const auto& m : act.mentions()) {
            balance += m.kind() == v1::MENTION_MARRIAGE  ? 1
                       : m.kind() == v1::MENTION_DIVORCE ? -1
                                                         : 0;
          }
          if (balance <= 0) {
            return RuleError(absl::StatusCode::kFailedPrecondition, reasons::kNoMarriage,
                             "mention.kind", "no marriage mentioned on this act to dissolve");
          }
        }
        if (in.kind() == v1::MENTION_RECTIFICATION) {
          RETURN_IF_ERROR(ApplyRectifications(in, *act.mutable_current_birth()));
        }
        const int64_t now = NowMicros(clock_);
        v1::Mention m = in;
        m.set_id(core::NewUuidV7());
        m.clear_death_act_id();
        m.set_created_by(c.principal.subject);
        *m.mutable_create_time() = Timestamp(now);
        m.set_sequence(act.mentions_size() + 1);  // the act's row is locked
        RETURN_IF_ERROR(tx.Exec(sql::kInsertMention,
                                {m.id(), act.id(), m.sequence(), static_cast<int>(m.kind()),
                                 pg::Param::Bytes(Serialize(m)), absl::StrCat(now)})
                            .status());
        *act.add_mentions() = m;
        if (m.kind() == v1::MENTION_RECTIFICATION) {
          RETURN_IF_ERROR(SaveActView(tx, act, act.deceased()));
        }
        v1::MentionAdded added = MentionAddedOf(act, m);
        RETURN_IF_ERROR(recorder_.Record(
            tx, ChangeOf(ctx, ActName(act.id()), row->territory, act.id(), added, m)));
        return act;
      });
}

namespace {

// A name search holds a given and a family name (100 characters each at most) and a few spaces.
constexpr size_t kMaxSearchText = 210;

// The words of a normalised query, at most eight, as a text[] literal.
std::string QueryWords(const std::string& text) {
  std::vector<std::string> words = absl::StrSplit(text, ' ', absl::SkipEmpty());
  if (words.size() > 8) words.resize(8);
  return pg::TextArray(words);
}

}  // namespace

absl::StatusOr<v1::SearchActsResponse> Registry::SearchActs(const Caller& c,
                                                            const v1::SearchActsRequest& r) {
  ASSIGN_OR_RETURN(Scope scope, ScopeOf(c.principal, true));
  ASSIGN_OR_RETURN(int size, PageSize(r.page_size()));
  const int kind = static_cast<int>(r.kind());
  absl::StatusOr<pg::Result> rows;
  bool by_name = false;
  switch (r.query_case()) {
    case v1::SearchActsRequest::kIdcs:
      if (!IsValidIdcs(r.idcs())) {
        return core::InvalidArgumentError("idcs", "not a valid IDCS");
      }
      rows = pool_.Exec(sql::kSearchByIdcs,
                        {r.idcs(), scope.codes, scope.prefixes, scope.citizen_idcs, kind});
      break;
    case v1::SearchActsRequest::kReference: {
      const auto& ref = r.reference();
      core::Violations v;
      if (ref.bureau_code().empty()) v.Add("reference.bureau_code", "required");
      if (ref.year() <= 0) v.Add("reference.year", "required");
      if (ref.number() <= 0) v.Add("reference.number", "required");
      RETURN_IF_ERROR(v.ToStatus());
      rows =
          pool_.Exec(sql::kSearchByReference, {ref.bureau_code(), scope.codes, scope.prefixes,
                                               scope.citizen_idcs, kind, ref.year(), ref.number()});
      break;
    }
    case v1::SearchActsRequest::kNames: {
      const auto& q = r.names();
      const std::string text = NormalizeName(q.text());
      core::Violations v;
      const bool arabic = IsArabicScript(q.text());
      if (text.size() < 3) {
        v.Add("names.text", "at least three letters");
      } else if (core::CharacterCount(q.text()) > kMaxSearchText) {
        v.Add("names.text", absl::StrCat("at most ", kMaxSearchText, " characters"));
      } else if (!arabic && !IsLatinScript(q.text())) {
        v.Add("names.text", "names in Arabic or in Latin script");
      }
      if (q.has_birth_date_from() && !ToCivilDay(q.birth_date_from()).has_value()) {
        v.Add("names.birth_date_from", "not a valid date");
      }
      if (q.has_birth_date_to() && !ToCivilDay(q.birth_date_to()).has_value()) {
        v.Add("names.birth_date_to", "not a valid date");
      }
      RETURN_IF_ERROR(v.ToStatus());
      pg::Param after_score = nullptr;
      pg::Param after_id = nullptr;
      if (!r.page_token().empty()) {
        ASSIGN_OR_RETURN(std::string raw, core::DecodePageToken(r.page_token()));
        std::vector<std::string> parts = absl::StrSplit(raw, '|');
        double score = 0;
        if (parts.size() != 2 || !absl::SimpleAtod(parts[0], &score) || !core::IsUuid(parts[1])) {
          return core::InvalidArgumentError("page_token", "not a token returned by this method");
        }
        after_score = parts[0];
        after_id = parts[1];
      }
      by_name = true;
      rows = pool_.Exec(arabic ? sql::kSearchByNameAr : sql::kSearchByNameLat,
                        {text, scope.codes, scope.prefixes, scope.citizen_idcs, kind,
                         DateParam(q.birth_date_from()), DateParam(q.birth_date_to()),
                         q.commune_code(), after_score, after_id, size + 1, QueryWords(text)});
      break;
    }
    default:
      return core::InvalidArgumentError("query", "one of idcs, reference or names");
  }
  if (!rows.ok()) return rows.status();
  v1::SearchActsResponse out;
  std::string last_score;
  for (int i = 0; i < rows->rows() && i < size; ++i) {
    v1::ActSummary* s = out.add_results();
    s->set_id(std::string(rows->Text(i, 0)));
    s->set_kind(static_cast<v1::ActKind>(rows->Int(i, 1)));
    s->set_reference(std::string(rows->Text(i, 2)));
    s->set_idcs(std::string(rows->Text(i, 3)));
    s->mutable_name()->mutable_given_name()->set_ar(std::string(rows->Text(i, 4)));
    s->mutable_name()->mutable_family_name()->set_ar(std::string(rows->Text(i, 5)));
    s->mutable_name()->mutable_given_name()->set_fr(std::string(rows->Text(i, 6)));
    s->mutable_name()->mutable_family_name()->set_fr(std::string(rows->Text(i, 7)));
    std::vector<std::string> ymd = absl::StrSplit(rows->Text(i, 8), '-');
    if (ymd.size() == 3) {
      int y = 0, m = 0, d = 0;
      (void)absl::SimpleAtoi(ymd[0], &y);
      (void)absl::SimpleAtoi(ymd[1], &m);
      (void)absl::SimpleAtoi(ymd[2], &d);
      s->mutable_event_date()->set_year(y);
      s->mutable_event_date()->set_month(m);
      s->mutable_event_date()->set_day(d);
    }
    const absl::string_view territory = rows->Text(i, 9);
    if (territory != kNational) s->set_commune_code(std::string(territory));
    s->set_deceased(rows->Bool(i, 10));
    last_score = std::string(rows->Text(i, 11));
    double score = 0;
    (void)absl::SimpleAtod(last_score, &score);
    s->set_score(score);
  }
  if (by_name && rows->rows() > size) {
    out.set_next_page_token(
        core::EncodePageToken(absl::StrCat(last_score, "|", out.results(size - 1).id())));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Audit.

absl::StatusOr<v1::VerifyAuditChainResponse> Registry::VerifyAuditChain(
    const Caller& c, const v1::VerifyAuditChainRequest& r) {
  ASSIGN_OR_RETURN(std::string role, ActingRole(c.principal, {roles::kAuditor, roles::kDgct}));
  std::vector<std::string> scopes;
  if (!r.territory().empty()) {
    if (referential_->Find(r.territory()) == nullptr) {
      return core::InvalidArgumentError("territory", "not a code of the territorial referential");
    }
    if (!auth::CanAccessTerritory(c.principal, r.territory(), *referential_)) {
      return NotFound("territory", r.territory());
    }
    scopes.push_back(r.territory());
  } else {
    scopes = c.principal.territories;
  }
  v1::VerifyAuditChainResponse out;
  out.set_intact(true);
  ASSIGN_OR_RETURN(pg::PooledConnection conn, pool_.Acquire());
  for (const std::string& scope : scopes) {
    ASSIGN_OR_RETURN(audit::VerifyReport report,
                     audit::Verify(*conn, scope == kNational ? "" : scope));
    out.set_rows_checked(out.rows_checked() + report.rows);
    out.set_chains(out.chains() + report.chains);
    if (report.first_break.has_value() &&
        (out.intact() || report.first_break->id < out.first_broken_row())) {
      out.set_intact(false);
      out.set_first_broken_row(report.first_break->id);
      out.set_first_broken_chain(report.first_break->chain);
      out.set_first_broken_sequence(report.first_break->chain_seq);
      out.set_reason(report.first_break->reason);
    }
  }
  return out;
}

}  // namespace zp::sgec
