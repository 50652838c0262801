#include "services/sgec/src/declarations.h"

#include <optional>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_join.h"
#include "services/sgec/src/act_rows.h"
#include "services/sgec/src/declaration_rows.h"
#include "services/sgec/src/queries.h"
#include "zp/core/reference.h"
#include "zp/core/uuid.h"
#include "zp/pg/idempotency.h"
#include "zp/sgec/v1/events.pb.h"

namespace zp::sgec {
using namespace internal;  // NOLINT: the registry's own helpers

namespace {
constexpr char kDeclarationPrefix[] = "DCL";
}  // namespace

absl::StatusOr<v1::Declaration> Declarations::DeclareBirth(const Caller& c,
                                                           const v1::DeclareBirthRequest& r) {
  v1::Declaration d;
  d.set_kind(v1::BIRTH);
  *d.mutable_birth() = r.birth();
  return Declare(c, r.request_id(), r.bureau_code(), "DeclareBirth", r, std::move(d));
}

absl::StatusOr<v1::Declaration> Declarations::DeclareDeath(const Caller& c,
                                                           const v1::DeclareDeathRequest& r) {
  v1::Declaration d;
  d.set_kind(v1::DEATH);
  *d.mutable_death() = r.death();
  return Declare(c, r.request_id(), r.bureau_code(), "DeclareDeath", r, std::move(d));
}

// A health facility's declaration is a notification (NOTIFIED, the declarant may follow); a civil
// agent's is DECLARED.
absl::StatusOr<v1::Declaration> Declarations::Declare(
    const Caller& c, const std::string& request_id, const std::string& bureau_code,
    const std::string& method, const google::protobuf::Message& request, v1::Declaration d) {
  ASSIGN_OR_RETURN(std::string role,
                   ActingRole(c.principal, {roles::kCivilAgent, roles::kHealthFacility}));
  RETURN_IF_ERROR(CheckRequestId(request_id));
  const bool notified = role == roles::kHealthFacility;
  const absl::CivilDay today = MoroccoDay(core_.clock.Now());
  RETURN_IF_ERROR(d.has_birth() ? ValidateBirth(d.birth(), today, notified, *core_.referential)
                                : ValidateDeath(d.death(), today, notified, *core_.referential));
  d.set_state(notified ? v1::NOTIFIED : v1::DECLARED);
  ASSIGN_OR_RETURN(const std::string territory,
                   BureauTerritory(core_.pool, c.principal, *core_.referential, bureau_code));
  Context ctx{c, role, request_id, method};
  return pg::RunIdempotent<v1::Declaration>(
      core_.pool, method, c.principal.subject, request_id, request,
      [&](pg::Transaction& tx) -> absl::StatusOr<v1::Declaration> {
        v1::Declaration out = d;
        out.set_id(core::NewUuidV7());
        out.set_bureau_code(bureau_code);
        if (territory != kNational) out.set_commune_code(territory);
        out.set_declared_by(c.principal.subject);
        const int64_t now = NowMicros(core_.clock);
        out.set_reference(
            core::HumanReference::Generate(kDeclarationPrefix, absl::FromUnixMicros(now)));
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
                     names.key_ar(), names.key_lat(), out.reference()})
                .status());
        v1::DeclarationSubmitted event;
        event.set_declaration_id(out.id());
        event.set_kind(out.kind());
        event.set_state(out.state());
        event.set_bureau_code(bureau_code);
        event.set_commune_code(out.commune_code());
        event.set_duplicate_status(out.duplicate_status());
        RETURN_IF_ERROR(core_.recorder.Record(
            tx, ChangeOf(ctx, DeclarationName(out.id()), territory, out.id(), event, out)));
        return out;
      });
}

absl::StatusOr<v1::Declaration> Declarations::GetDeclaration(const Caller& c,
                                                             const v1::GetDeclarationRequest& r) {
  if (!IsReader(c.principal) && !c.principal.HasRole(roles::kHealthFacility)) {
    return absl::PermissionDeniedError("staff only");
  }
  std::optional<DeclarationRow> row;
  if (core::IsUuid(r.id())) {
    ASSIGN_OR_RETURN(row, LoadDeclaration(core_.pool, sql::kGetDeclaration, r.id()));
  } else if (absl::StatusOr<std::string> reference = core::HumanReference::Normalize(r.id(), "id");
             reference.ok() && absl::StartsWith(*reference, kDeclarationPrefix)) {
    ASSIGN_OR_RETURN(row,
                     LoadDeclarationBy(core_.pool, sql::kGetDeclarationByReference, *reference));
  }
  if (!row.has_value() ||
      !auth::CanAccessTerritory(c.principal, row->territory, *core_.referential)) {
    return NotFound("declaration", r.id());
  }
  return row->doc;
}

absl::StatusOr<v1::ListDeclarationsResponse> Declarations::ListDeclarations(
    const Caller& c, const v1::ListDeclarationsRequest& r) {
  if (!IsReader(c.principal) && !c.principal.HasRole(roles::kHealthFacility)) {
    return absl::PermissionDeniedError("staff only");
  }
  ASSIGN_OR_RETURN(int size, PageSize(r.page_size()));
  RETURN_IF_ERROR(
      BureauTerritory(core_.pool, c.principal, *core_.referential, r.bureau_code()).status());
  ASSIGN_OR_RETURN(std::optional<std::string> after_id, core::DecodeUuidPageToken(r.page_token()));
  pg::Param after = after_id;
  ASSIGN_OR_RETURN(pg::Result rows, core_.pool.Exec(sql::kListDeclarations,
                                                    {r.bureau_code(), static_cast<int>(r.state()),
                                                     after, size + 1}));
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
    RegistryCore& core, const Caller& c, const Request& r, const std::string& id,
    const std::string& method, std::initializer_list<absl::string_view> allowed,
    const std::function<absl::Status(pg::Transaction&, DeclarationRow&, Context&)>& change) {
  ASSIGN_OR_RETURN(std::string role, ActingRole(c.principal, allowed));
  RETURN_IF_ERROR(CheckRequestId(r.request_id()));
  Context ctx{c, role, r.request_id(), method};
  return pg::RunIdempotent<v1::Declaration>(
      core.pool, method, c.principal.subject, r.request_id(), r,
      [&](pg::Transaction& tx) -> absl::StatusOr<v1::Declaration> {
        ASSIGN_OR_RETURN(auto row, LoadDeclaration(tx, sql::kLockDeclaration, id));
        if (!row.has_value() ||
            !auth::CanAccessTerritory(c.principal, row->territory, *core.referential)) {
          return NotFound("declaration", id);
        }
        const v1::DeclarationState previous = row->doc.state();
        RETURN_IF_ERROR(change(tx, *row, ctx));
        const int64_t now = NowMicros(core.clock);
        *row->doc.mutable_update_time() = Timestamp(now);
        RETURN_IF_ERROR(SaveDeclaration(tx, *row, now));
        const v1::DeclarationStateChanged changed = StateChangeOf(row->doc, previous);
        RETURN_IF_ERROR(core.recorder.Record(
            tx, ChangeOf(ctx, DeclarationName(id), row->territory, id, changed, row->doc)));
        return row->doc;
      });
}

}  // namespace

absl::StatusOr<v1::Declaration> Declarations::ValidateDeclaration(
    const Caller& c, const v1::ValidateDeclarationRequest& r) {
  if (r.has_declarant()) {
    RETURN_IF_ERROR(CheckDeclarant(r.declarant(), "declarant", true));
  }
  return RunStep(core_, c, r, r.id(), "ValidateDeclaration", {roles::kCivilAgent},
                 [&](pg::Transaction&, DeclarationRow& row, Context&) {
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

absl::StatusOr<v1::Declaration> Declarations::RejectDeclaration(
    const Caller& c, const v1::RejectDeclarationRequest& r) {
  if (r.reason().empty() || r.reason().size() > 2000) {
    return core::InvalidArgumentError("reason", "required, at most 2000 bytes");
  }
  return RunStep(core_, c, r, r.id(), "RejectDeclaration",
                 {roles::kCivilAgent, roles::kCivilOfficer},
                 [&](pg::Transaction&, DeclarationRow& row, Context&) {
                   RETURN_IF_ERROR(CheckTransition(row.doc.state(), Step::kReject));
                   row.doc.set_state(v1::REJECTED);
                   row.doc.set_rejection_reason(r.reason());
                   return absl::OkStatus();
                 });
}

absl::StatusOr<v1::Declaration> Declarations::ReviewDuplicate(const Caller& c,
                                                              const v1::ReviewDuplicateRequest& r) {
  if (r.decision() != v1::NOT_DUPLICATE && r.decision() != v1::DUPLICATE) {
    return core::InvalidArgumentError("decision", "NOT_DUPLICATE or DUPLICATE");
  }
  if (r.note().size() > 2000) return core::InvalidArgumentError("note", "at most 2000 bytes");
  return RunStep(
      core_, c, r, r.id(), "ReviewDuplicate", {roles::kCivilOfficer},
      [&](pg::Transaction&, DeclarationRow& row, Context&) {
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

}  // namespace zp::sgec
