#include "zp/documents/documents.h"

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/time_util.h"
#include "zp/core/embedded_file.h"
#include "zp/core/files.h"
#include "zp/core/status.h"
#include "zp/core/uuid.h"
#include "zp/documents/codes.h"

namespace zp::documents {

std::vector<core::EmbeddedFile> EmbeddedDocumentMigrations();

namespace {

using google::protobuf::util::TimeUtil;

constexpr pg::Query kRecordKey{"documents_record_key", R"sql(
INSERT INTO document_keys (kid, jwk) VALUES ($1, $2) ON CONFLICT (kid) DO NOTHING)sql"};

constexpr pg::Query kInsert{"documents_insert", R"sql(
INSERT INTO documents (id, code_digest, code, kind, subject, territory, issued_at, issued_by,
  canonical, content_sha256, signature, kid)
VALUES ($1::uuid, $2, $3, $4, $5, $6, to_timestamp($7::numeric / 1000000), $8, $9, $10, $11, $12)
ON CONFLICT (code_digest) DO NOTHING)sql"};

#define ZP_DOCUMENT_COLUMNS                                                                   \
  "d.canonical, d.content_sha256, d.signature, k.jwk, "                                       \
  "(extract(epoch FROM d.revoked_at) * 1000000)::bigint, coalesce(d.revocation_reason, ''), " \
  "d.territory, d.code, d.id::text"

constexpr pg::Query kById{"documents_by_id", "SELECT " ZP_DOCUMENT_COLUMNS
                                             " FROM documents d JOIN document_keys k "
                                             "USING (kid) WHERE d.id = $1::uuid"};
constexpr pg::Query kBySubjects{"documents_by_subjects",
                                "SELECT " ZP_DOCUMENT_COLUMNS
                                " FROM documents d JOIN document_keys k USING (kid) "
                                "WHERE d.subject = ANY($1::text[]) "
                                "AND ($2::uuid IS NULL OR d.id < $2::uuid) "
                                "ORDER BY d.id DESC LIMIT $3"};
constexpr pg::Query kByCode{"documents_by_code", "SELECT " ZP_DOCUMENT_COLUMNS
                                                 " FROM documents d JOIN document_keys k "
                                                 "USING (kid) WHERE d.code_digest = $1"};

constexpr pg::Query kRevoke{"documents_revoke", R"sql(
UPDATE documents SET revoked_at = to_timestamp($2::numeric / 1000000), revocation_reason = $3,
  revoked_by = $4
WHERE id = $1::uuid AND revoked_at IS NULL)sql"};
constexpr pg::Query kExists{"documents_exists", "SELECT 1 FROM documents WHERE id = $1::uuid"};
constexpr pg::Query kKeys{"documents_keys",
                          "SELECT jwk FROM document_keys ORDER BY first_used, kid"};

constexpr absl::string_view kDecoyContent = "zp.documents: the work of an unknown code";

absl::StatusOr<std::string> JwkJson(const zp::auth::v1::JsonWebKey& jwk) {
  std::string json;
  auto s = google::protobuf::util::MessageToJsonString(jwk, &json);
  if (!s.ok()) return absl::InternalError(std::string(s.message()));
  return json;
}

// A stored document whose digest and signature were checked.
struct Checked {
  v1::SignedContent content;
  bool intact = false;
  bool revoked = false;
  int64_t revoked_micros = 0;
  std::string revocation_reason;
  std::string territory;
  std::string code;
  std::string canonical;
  std::string sha256;
  std::string signature;
  std::string kid;
};

Checked Check(const pg::Result& r, int row = 0) {
  Checked c;
  c.canonical = r.Bytes(row, 0);
  c.sha256 = std::string(r.Text(row, 1));
  c.signature = std::string(r.Text(row, 2));
  c.revoked = !r.IsNull(row, 4);
  if (c.revoked) c.revoked_micros = r.Int(row, 4);
  c.revocation_reason = std::string(r.Text(row, 5));
  c.territory = std::string(r.Text(row, 6));
  c.code = std::string(r.Text(row, 7));
  zp::auth::v1::JsonWebKey jwk;
  const bool key_ok =
      google::protobuf::util::JsonStringToMessage(std::string(r.Text(row, 3)), &jwk).ok();
  c.kid = jwk.kid();
  // Digest and signature are both checked, always, so that the time spent does not depend on
  // which of them fails.
  const bool digest_ok = ConstantTimeEquals(core::Sha256Hex(c.canonical), c.sha256);
  const bool signature_ok = key_ok && VerifySignature(jwk, c.canonical, c.signature).ok();
  const bool parsed = google::protobuf::util::JsonStringToMessage(c.canonical, &c.content).ok();
  c.intact = digest_ok && signature_ok && parsed && c.content.document_id() == r.Text(row, 8) &&
             ConstantTimeEquals(c.content.verification_code(), c.code);
  return c;
}

v1::Document DocumentOf(const Checked& c, const std::string& id) {
  v1::Document d;
  d.set_id(id);
  d.set_verification_code(c.code);
  d.set_kind(c.content.kind());
  d.set_subject(c.content.subject());
  *d.mutable_issuer() = c.content.issuer();
  *d.mutable_issue_time() = c.content.issue_time();
  d.set_canonical_content(c.canonical);
  d.set_content_sha256(c.sha256);
  d.set_signature(c.signature);
  d.set_kid(c.kid);
  *d.mutable_summary() = c.content.summary();
  d.set_status(c.revoked ? v1::REVOKED : v1::VALID);
  d.set_revocation_reason(c.revocation_reason);
  if (c.revoked) *d.mutable_revoke_time() = TimeUtil::MicrosecondsToTimestamp(c.revoked_micros);
  return d;
}

}  // namespace

Documents::Documents(const Signer& signer) : signer_(signer) {
  decoy_signature_ = signer_.Sign(kDecoyContent).value_or("");
}

std::vector<pg::Migration> Migrations() {
  auto migrations = pg::MigrationsFromFiles("zp_documents", EmbeddedDocumentMigrations());
  return migrations.ok() ? *migrations : std::vector<pg::Migration>{};
}

absl::StatusOr<std::string> CanonicalJson(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = false;
  options.always_print_primitive_fields = false;
  options.preserve_proto_field_names = false;
  std::string json;
  auto s = google::protobuf::util::MessageToJsonString(message, &json, options);
  if (!s.ok())
    return absl::InternalError(absl::StrCat("canonical content: ", s.message().as_string()));
  return json;
}

absl::StatusOr<v1::Document> Documents::Issue(pg::Transaction& tx,
                                              const IssueRequest& request) const {
  if (request.content == nullptr) return absl::InternalError("a document needs a content");
  if (tx.FirstTime("zp_documents_key")) {
    ASSIGN_OR_RETURN(std::string jwk, JwkJson(signer_.public_key()));
    RETURN_IF_ERROR(tx.Exec(kRecordKey, {signer_.kid(), jwk}).status());
  }
  v1::SignedContent signed_content;
  signed_content.set_document_id(core::NewUuidV7());
  signed_content.set_kind(request.kind);
  signed_content.set_subject(request.subject);
  *signed_content.mutable_issuer() = request.issuer;
  const int64_t micros = absl::ToUnixMicros(request.time);
  *signed_content.mutable_issue_time() = TimeUtil::MicrosecondsToTimestamp(micros);
  *signed_content.mutable_summary() = request.summary;
  signed_content.mutable_content()->PackFrom(*request.content);
  for (int attempt = 0; attempt < 5; ++attempt) {
    signed_content.set_verification_code(NewVerificationCode());
    ASSIGN_OR_RETURN(std::string canonical, CanonicalJson(signed_content));
    const std::string sha256 = core::Sha256Hex(canonical);
    ASSIGN_OR_RETURN(std::string signature, signer_.Sign(canonical));
    const std::string& code = signed_content.verification_code();
    ASSIGN_OR_RETURN(
        pg::Result inserted,
        tx.Exec(kInsert, {signed_content.document_id(), pg::Param::Bytes(CodeDigest(code)), code,
                          request.kind, request.subject, request.territory, absl::StrCat(micros),
                          request.issued_by, pg::Param::Bytes(canonical), sha256, signature,
                          signer_.kid()}));
    if (inserted.affected() == 0) continue;  // the code exists: draw another
    v1::Document d;
    d.set_id(signed_content.document_id());
    d.set_verification_code(code);
    d.set_kind(request.kind);
    d.set_subject(request.subject);
    *d.mutable_issuer() = request.issuer;
    *d.mutable_issue_time() = signed_content.issue_time();
    d.set_canonical_content(canonical);
    d.set_content_sha256(sha256);
    d.set_signature(signature);
    d.set_kid(signer_.kid());
    *d.mutable_summary() = request.summary;
    d.set_status(v1::VALID);
    d.set_verification_url(absl::StrCat(request.verification_base_url, code));
    return d;
  }
  return absl::InternalError("could not draw a free verification code");
}

absl::StatusOr<std::optional<v1::Document>> Documents::Get(pg::Connection& db,
                                                           const std::string& id,
                                                           std::string* territory) const {
  if (!core::IsUuid(id)) return std::optional<v1::Document>();
  ASSIGN_OR_RETURN(pg::Result r, db.Exec(kById, {id}));
  if (r.rows() == 0) return std::optional<v1::Document>();
  Checked c = Check(r);
  if (!c.intact) {
    return absl::DataLossError(absl::StrCat("document ", id, " does not match its signature"));
  }
  if (territory != nullptr) *territory = c.territory;
  return std::optional<v1::Document>(DocumentOf(c, id));
}

absl::StatusOr<std::vector<v1::Document>> Documents::List(
    pg::Connection& db, const std::vector<std::string>& subjects,
    const std::optional<std::string>& before_id, int limit) const {
  std::vector<v1::Document> out;
  if (subjects.empty()) return out;
  pg::Param before = nullptr;
  if (before_id.has_value()) before = *before_id;
  ASSIGN_OR_RETURN(pg::Result r, db.Exec(kBySubjects, {pg::TextArray(subjects), before, limit}));
  for (int i = 0; i < r.rows(); ++i) {
    const std::string id(r.Text(i, 8));
    Checked c = Check(r, i);
    if (!c.intact) {
      return absl::DataLossError(absl::StrCat("document ", id, " does not match its signature"));
    }
    out.push_back(DocumentOf(c, id));
  }
  return out;
}

absl::StatusOr<v1::Verification> Documents::Verify(pg::Connection& db,
                                                   absl::string_view typed_code) const {
  std::optional<std::string> code = NormalizeCode(typed_code);
  if (!code.has_value()) {
    return core::InvalidArgumentError(
        "code", absl::StrCat(kCodeLength, " characters of ", kCodeAlphabet, " (dashes allowed)"));
  }
  ASSIGN_OR_RETURN(pg::Result r, db.Exec(kByCode, {pg::Param::Bytes(CodeDigest(*code))}));
  if (r.rows() == 0 || !ConstantTimeEquals(r.Text(0, 7), *code)) {
    // Spend what a found document costs (a signature check), so that unknown codes cannot be told
    // apart by time either.
    (void)VerifySignature(signer_.public_key(), kDecoyContent, decoy_signature_);
    return absl::NotFoundError("no document has this verification code");
  }
  Checked c = Check(r);
  v1::Verification v;
  v.set_verification_code(*code);
  v.set_status(c.revoked ? v1::REVOKED : v1::VALID);
  if (c.revoked) {
    v.set_revocation_reason(c.revocation_reason);
    *v.mutable_revoke_time() = TimeUtil::MicrosecondsToTimestamp(c.revoked_micros);
  }
  if (!c.intact) {
    v.set_tampered(true);  // nothing read from a content that does not verify is answered
    return v;
  }
  v.set_authentic(!c.revoked);
  *v.mutable_issuer() = c.content.issuer();
  *v.mutable_issue_time() = c.content.issue_time();
  *v.mutable_summary() = c.content.summary();
  return v;
}

absl::Status Documents::Revoke(pg::Transaction& tx, const std::string& id,
                               const std::string& reason, const std::string& by,
                               absl::Time time) const {
  ASSIGN_OR_RETURN(pg::Result r,
                   tx.Exec(kRevoke, {id, absl::StrCat(absl::ToUnixMicros(time)), reason, by}));
  if (r.affected() == 1) return absl::OkStatus();
  ASSIGN_OR_RETURN(pg::Result exists, tx.Exec(kExists, {id}));
  if (exists.rows() == 0) return absl::NotFoundError(absl::StrCat("document ", id, " not found"));
  return core::RuleError(absl::StatusCode::kFailedPrecondition, "DOCUMENT_ALREADY_REVOKED", "id",
                         "the document is already revoked");
}

absl::StatusOr<zp::auth::v1::JsonWebKeySet> Documents::PublishedKeys(pg::Connection& db) const {
  ASSIGN_OR_RETURN(pg::Result r, db.Exec(kKeys));
  zp::auth::v1::JsonWebKeySet set;
  bool current = false;
  for (int i = 0; i < r.rows(); ++i) {
    zp::auth::v1::JsonWebKey* key = set.add_keys();
    if (!google::protobuf::util::JsonStringToMessage(std::string(r.Text(i, 0)), key).ok()) {
      return absl::DataLossError("a recorded document key does not parse");
    }
    current = current || key->kid() == signer_.kid();
  }
  if (!current) *set.add_keys() = signer_.public_key();
  return set;
}

}  // namespace zp::documents
