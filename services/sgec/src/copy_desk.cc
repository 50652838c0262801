// Signed copies of acts (libs/documents): issue, read, render, revoke, verify.
#include "services/sgec/src/copy_desk.h"

#include "absl/strings/strip.h"
#include "google/protobuf/util/json_util.h"
#include "services/sgec/src/act_rows.h"
#include "services/sgec/src/copies.h"
#include "services/sgec/src/idcs.h"
#include "services/sgec/src/queries.h"
#include "zp/auth/grants.h"
#include "zp/pg/idempotency.h"
#include "zp/sgec/v1/sgec.grpc.pb.h"

namespace zp::sgec {

using namespace internal;  // NOLINT: the registry's own helpers

namespace {

constexpr pg::Query kGetBureauOfAct{"sgec_bureau_of_act", R"sql(
SELECT b.code, b.commune_code, b.country_code, b.territory, b.name_ar, b.name_fr
FROM bureaus b WHERE b.code = $1)sql"};

std::string DocumentName(const std::string& id) { return absl::StrCat("documents/", id); }

// The one service that issues copies on its own account: WATIQA, for the orders it placed and
// was paid for. Its token (signed with its own key, zp/auth/jwt.h) grants exactly this request,
// so that neither a forged token nor a leaked one prints a copy no paid order asked for.
constexpr absl::string_view kOrderingService = "watiqa";

absl::Status CheckOrderGrant(const auth::Principal& p, const v1::IssueCopyRequest& r) {
  if (r.order_reference().empty()) {
    return core::InvalidArgumentError("order_reference", "required when a service issues");
  }
  static const std::string method =
      absl::StrCat(v1::CivilRegistry::service_full_name(), ".IssueCopy");
  if (p.ServiceName() != kOrderingService || !auth::GrantsRequest(p, method, r)) {
    return core::ErrorWithReason(absl::StatusCode::kPermissionDenied,
                                 "a service issues only the copies its token grants",
                                 "REQUEST_NOT_GRANTED");
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::CopyContent> ContentOf(const documents::v1::Document& d) {
  documents::v1::SignedContent signed_content;
  auto s = google::protobuf::util::JsonStringToMessage(d.canonical_content(), &signed_content);
  v1::CopyContent content;
  if (!s.ok() || !signed_content.content().UnpackTo(&content)) {
    return absl::DataLossError(absl::StrCat("document ", d.id(), ": content does not parse"));
  }
  return content;
}

}  // namespace

void CopyDesk::EnableDocuments(const documents::Signer& signer, std::string verification_base_url) {
  documents_ = std::make_unique<documents::Documents>(signer);
  verification_base_url_ = std::move(verification_base_url);
}

absl::Status CopyDesk::DocumentsEnabled() const {
  if (documents_ == nullptr) return absl::UnavailableError("this instance issues no documents");
  return absl::OkStatus();
}

absl::StatusOr<documents::v1::Document> CopyDesk::IssueCopy(const Caller& c,
                                                            const v1::IssueCopyRequest& r) {
  RETURN_IF_ERROR(DocumentsEnabled());
  ASSIGN_OR_RETURN(std::string role,
                   ActingRole(c.principal, {roles::kCivilAgent, roles::kCivilOfficer,
                                            roles::kService, roles::kCitizen}));
  RETURN_IF_ERROR(CheckRequestId(r.request_id()));
  if (r.kind() != v1::FULL_COPY && r.kind() != v1::EXTRACT) {
    return core::InvalidArgumentError("kind", "FULL_COPY or EXTRACT");
  }
  if (role == roles::kService) RETURN_IF_ERROR(CheckOrderGrant(c.principal, r));
  if (!core::IsUuid(r.act_id())) return NotFound("act", r.act_id());
  Context ctx{c, role, r.request_id(), "IssueCopy"};
  return pg::RunIdempotent<documents::v1::Document>(
      core_.pool, ctx.method, c.principal.subject, r.request_id(), r,
      [&](pg::Transaction& tx) -> absl::StatusOr<documents::v1::Document> {
        ASSIGN_OR_RETURN(auto row, LoadAct(tx, sql::kGetAct, r.act_id()));
        // Death acts are copied by staff only; birth acts by whoever may order them.
        const bool allowed =
            row.has_value() &&
            (row->act.kind() == v1::BIRTH
                 ? CopyBasis(c.principal, *row, *core_.referential, MoroccoDay(core_.clock.Now()))
                       .has_value()
                 : role != roles::kCitizen && role != roles::kService &&
                       auth::CanAccessTerritory(c.principal, row->territory, *core_.referential));
        if (!allowed) return NotFound("act", r.act_id());
        const v1::Act& act = row->act;
        ASSIGN_OR_RETURN(pg::Result b, tx.Exec(kGetBureauOfAct, {act.bureau_code()}));
        if (b.rows() == 0) return absl::DataLossError("the act's bureau is missing");
        const v1::Bureau bureau = BureauFromRow(b, 0);
        const v1::CopyContent content = BuildCopyContent(act, bureau, r.kind());
        documents::IssueRequest issue;
        issue.kind = CopyKindName(r.kind());
        issue.subject = ActName(act.id());
        issue.territory = row->territory;
        issue.issuer.set_code(bureau.code());
        *issue.issuer.mutable_name() = bureau.name();
        issue.summary = CopySummary(content);
        issue.content = &content;
        issue.issued_by = c.principal.subject;
        issue.time = core_.clock.Now();
        issue.verification_base_url = verification_base_url_;
        ASSIGN_OR_RETURN(documents::v1::Document d, documents_->Issue(tx, issue));
        v1::DocumentIssued issued;
        issued.set_document_id(d.id());
        issued.set_act_id(act.id());
        issued.set_copy_kind(r.kind());
        issued.set_bureau_code(bureau.code());
        issued.set_commune_code(act.commune_code());
        issued.set_order_reference(r.order_reference());
        RETURN_IF_ERROR(core_.recorder.Record(
            tx, ChangeOf(ctx, DocumentName(d.id()), row->territory, d.id(), issued, issued)));
        return d;
      });
}

absl::StatusOr<v1::CopyEntitlement> CopyDesk::CheckCopyEntitlement(
    const Caller& c, const v1::CheckCopyEntitlementRequest& r) {
  RETURN_IF_ERROR(
      ActingRole(c.principal, {roles::kCitizen, roles::kCivilAgent, roles::kCivilOfficer})
          .status());
  ASSIGN_OR_RETURN(pg::PooledConnection conn, core_.pool.Acquire());
  std::optional<ActRow> row;
  std::string asked;
  switch (r.act_case()) {
    case v1::CheckCopyEntitlementRequest::kActReference: {
      const v1::ActReference& ref = r.act_reference();
      core::Violations v;
      if (ref.bureau_code().empty()) v.Add("act_reference.bureau_code", "required");
      if (ref.year() <= 0) v.Add("act_reference.year", "required");
      if (ref.number() <= 0) v.Add("act_reference.number", "required");
      RETURN_IF_ERROR(v.ToStatus());
      asked = ActReference(ref.bureau_code(), ref.year(), ref.number());
      ASSIGN_OR_RETURN(row, LoadAct(*conn, sql::kGetBirthActByReference,
                                    pg::Params{ref.bureau_code(), ref.year(), ref.number()}));
      break;
    }
    case v1::CheckCopyEntitlementRequest::kIdcs: {
      if (!IsValidIdcs(r.idcs())) return core::InvalidArgumentError("idcs", "not a valid IDCS");
      asked = r.idcs();
      ASSIGN_OR_RETURN(row, LoadAct(*conn, sql::kGetBirthActByIdcs, r.idcs()));
      break;
    }
    case v1::CheckCopyEntitlementRequest::ACT_NOT_SET:
      return core::InvalidArgumentError("act", "an act reference or an IDCS is required");
  }
  std::optional<v1::CopyEntitlement::Basis> basis;
  if (row.has_value())
    basis = CopyBasis(c.principal, *row, *core_.referential, MoroccoDay(core_.clock.Now()));
  if (!basis.has_value()) return NotFound("birth act", asked);
  v1::CopyEntitlement e;
  e.set_act_id(row->act.id());
  e.set_act_reference(row->act.reference());
  e.set_bureau_code(row->act.bureau_code());
  e.set_commune_code(row->act.commune_code());
  e.set_territory(row->territory);
  *e.mutable_subject_name() = row->act.current_birth().child();
  e.set_basis(*basis);
  return e;
}

absl::StatusOr<std::pair<documents::v1::Document, std::string>> CopyDesk::ReadableDocument(
    const Caller& c, const std::string& id) {
  RETURN_IF_ERROR(DocumentsEnabled());
  ASSIGN_OR_RETURN(pg::PooledConnection conn, core_.pool.Acquire());
  std::string territory;
  ASSIGN_OR_RETURN(auto d, documents_->Get(*conn, id, &territory));
  if (!d.has_value()) return NotFound("document", id);
  const std::string act_id(absl::StripPrefix(d->subject(), "acts/"));
  ASSIGN_OR_RETURN(auto row, LoadAct(*conn, sql::kGetAct, act_id));
  if (!row.has_value() || !CanRead(c.principal, *row, *core_.referential)) {
    return NotFound("document", id);
  }
  return std::make_pair(*std::move(d), row->territory);
}

absl::StatusOr<documents::v1::Document> CopyDesk::GetDocument(const Caller& c,
                                                              const v1::GetDocumentRequest& r) {
  ASSIGN_OR_RETURN(auto found, ReadableDocument(c, r.id()));
  found.first.set_verification_url(
      absl::StrCat(verification_base_url_, found.first.verification_code()));
  return std::move(found.first);
}

absl::StatusOr<v1::ListMyDocumentsResponse> CopyDesk::ListMyDocuments(
    const Caller& c, const v1::ListMyDocumentsRequest& r) {
  RETURN_IF_ERROR(DocumentsEnabled());
  RETURN_IF_ERROR(ActingRole(c.principal, {roles::kCitizen}).status());
  ASSIGN_OR_RETURN(int size, PageSize(r.page_size()));
  ASSIGN_OR_RETURN(std::optional<std::string> before, core::DecodeUuidPageToken(r.page_token()));
  v1::ListMyDocumentsResponse out;
  if (c.principal.idcs.empty()) return out;
  ASSIGN_OR_RETURN(pg::PooledConnection conn, core_.pool.Acquire());
  ASSIGN_OR_RETURN(pg::Result acts, conn->Exec(sql::kMyActNames, {c.principal.idcs}));
  std::vector<std::string> subjects;
  for (int i = 0; i < acts.rows(); ++i) subjects.emplace_back(acts.Text(i, 0));
  ASSIGN_OR_RETURN(std::vector<documents::v1::Document> found,
                   documents_->List(*conn, subjects, before, size + 1));
  for (int i = 0; i < static_cast<int>(found.size()) && i < size; ++i) {
    documents::v1::Document* d = out.add_documents();
    *d = std::move(found[i]);
    d->clear_canonical_content();
    d->set_verification_url(absl::StrCat(verification_base_url_, d->verification_code()));
  }
  if (static_cast<int>(found.size()) > size) {
    out.set_next_page_token(core::EncodePageToken(out.documents(size - 1).id()));
  }
  return out;
}

absl::StatusOr<api::v1::HttpBody> CopyDesk::GetDocumentPdf(const Caller& c,
                                                           const v1::GetDocumentRequest& r) {
  ASSIGN_OR_RETURN(auto found, ReadableDocument(c, r.id()));
  documents::v1::Document& d = found.first;
  d.set_verification_url(absl::StrCat(verification_base_url_, d.verification_code()));
  ASSIGN_OR_RETURN(v1::CopyContent content, ContentOf(d));
  ASSIGN_OR_RETURN(std::string pdf,
                   documents::RenderPdf(CopyLayout(d, content, *core_.referential)));
  api::v1::HttpBody body;
  body.set_content_type("application/pdf");
  body.set_data(std::move(pdf));
  body.set_file_name(absl::StrCat(d.verification_code(), ".pdf"));
  return body;
}

absl::StatusOr<documents::v1::Document> CopyDesk::RevokeDocument(
    const Caller& c, const v1::RevokeDocumentRequest& r) {
  RETURN_IF_ERROR(DocumentsEnabled());
  ASSIGN_OR_RETURN(std::string role, ActingRole(c.principal, {roles::kCivilOfficer}));
  RETURN_IF_ERROR(CheckRequestId(r.request_id()));
  if (r.reason().empty()) return core::InvalidArgumentError("reason", "required");
  Context ctx{c, role, r.request_id(), "RevokeDocument"};
  return pg::RunIdempotent<documents::v1::Document>(
      core_.pool, ctx.method, c.principal.subject, r.request_id(), r,
      [&](pg::Transaction& tx) -> absl::StatusOr<documents::v1::Document> {
        std::string territory;
        ASSIGN_OR_RETURN(auto d, documents_->Get(tx.connection(), r.id(), &territory));
        if (!d.has_value() ||
            !auth::CanAccessTerritory(c.principal, territory, *core_.referential)) {
          return NotFound("document", r.id());
        }
        const absl::Time now = core_.clock.Now();
        RETURN_IF_ERROR(documents_->Revoke(tx, d->id(), r.reason(), c.principal.subject, now));
        d->set_status(documents::v1::REVOKED);
        d->set_revocation_reason(r.reason());
        *d->mutable_revoke_time() = Timestamp(absl::ToUnixMicros(now));
        d->set_verification_url(absl::StrCat(verification_base_url_, d->verification_code()));
        v1::DocumentRevoked revoked;
        revoked.set_document_id(d->id());
        revoked.set_act_id(std::string(absl::StripPrefix(d->subject(), "acts/")));
        revoked.set_commune_code(territory == kNational ? "" : territory);
        RETURN_IF_ERROR(core_.recorder.Record(
            tx, ChangeOf(ctx, DocumentName(d->id()), territory, d->id(), revoked, revoked)));
        return *std::move(d);
      });
}

absl::StatusOr<documents::v1::Verification> CopyDesk::VerifyDocument(
    const Caller& c, const v1::VerifyDocumentRequest& r) {
  RETURN_IF_ERROR(DocumentsEnabled());
  ASSIGN_OR_RETURN(pg::PooledConnection conn, core_.pool.Acquire());
  return documents_->Verify(*conn, r.code());
}

absl::StatusOr<auth::v1::JsonWebKeySet> CopyDesk::ListDocumentKeys(
    const Caller& c, const v1::ListDocumentKeysRequest& r) {
  RETURN_IF_ERROR(DocumentsEnabled());
  ASSIGN_OR_RETURN(pg::PooledConnection conn, core_.pool.Acquire());
  return documents_->PublishedKeys(*conn);
}

}  // namespace zp::sgec
