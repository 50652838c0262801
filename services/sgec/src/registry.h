#pragma once

// The civil registry's operations: each one checks the caller's role and territory, applies the
// rules (rules.h), and writes its change, its events (outbox) and its audit record in one
// transaction, under the request_id of the call (pg/idempotency.h).

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "zp/auth/principal.h"
#include "zp/core/clock.h"
#include "zp/documents/documents.h"
#include "zp/events/outbox.h"
#include "zp/pg/pool.h"
#include "zp/rpc/caller.h"
#include "zp/service/record.h"
#include "zp/sgec/v1/sgec.pb.h"
#include "zp/territory/referential.h"

namespace zp::sgec {

using rpc::Caller;

// The records of one ImportHistoricalActs call, as they arrive.
class RecordStream {
 public:
  virtual ~RecordStream() = default;
  // False at the end of the stream (or when it broke off: see Cancelled).
  virtual bool Next(v1::ImportHistoricalActsRequest* request) = 0;
  virtual bool Cancelled() const { return false; }
};

struct ImportOptions {
  int batch_size = 1000;  // records per transaction
  // Before each batch, the import waits while the outbox holds this many unpublished events: the
  // relay's batches drain it, and a long import never floods the outbox (or Kafka behind it).
  int64_t outbox_limit = 50000;
};

class Registry {
 public:
  // `notifier` wakes the outbox relay after commits (nullptr: the relay's polling finds them).
  Registry(pg::Pool& pool, std::shared_ptr<const territory::Referential> referential,
           const core::Clock& clock, events::OutboxNotifier* notifier = nullptr);

  // Where new IDCS come from (default: NewIdcs, the CSPRNG); tests inject collisions.
  void set_idcs_source(std::function<std::string()> source) { idcs_source_ = std::move(source); }

  // Creates the principal bureau of every commune of the referential (code = commune code).
  absl::Status SeedBureaus();

  absl::StatusOr<v1::Bureau> CreateBureau(const Caller& c, const v1::CreateBureauRequest& r);
  absl::StatusOr<v1::ListBureausResponse> ListBureaus(const Caller& c,
                                                      const v1::ListBureausRequest& r);

  absl::StatusOr<v1::Declaration> DeclareBirth(const Caller& c, const v1::DeclareBirthRequest& r);
  absl::StatusOr<v1::Declaration> DeclareDeath(const Caller& c, const v1::DeclareDeathRequest& r);
  absl::StatusOr<v1::Declaration> GetDeclaration(const Caller& c,
                                                 const v1::GetDeclarationRequest& r);
  absl::StatusOr<v1::ListDeclarationsResponse> ListDeclarations(
      const Caller& c, const v1::ListDeclarationsRequest& r);
  absl::StatusOr<v1::Declaration> ValidateDeclaration(const Caller& c,
                                                      const v1::ValidateDeclarationRequest& r);
  absl::StatusOr<v1::Declaration> RejectDeclaration(const Caller& c,
                                                    const v1::RejectDeclarationRequest& r);
  absl::StatusOr<v1::Declaration> ReviewDuplicate(const Caller& c,
                                                  const v1::ReviewDuplicateRequest& r);
  absl::StatusOr<v1::Act> RegisterAct(const Caller& c, const v1::RegisterActRequest& r);

  absl::StatusOr<v1::Act> GetAct(const Caller& c, const v1::GetActRequest& r);
  absl::StatusOr<v1::Act> AddMention(const Caller& c, const v1::AddMentionRequest& r);
  absl::StatusOr<v1::SearchActsResponse> SearchActs(const Caller& c,
                                                    const v1::SearchActsRequest& r);

  // Signed copies (registry_documents.cc). `signer` signs them; the verification URL printed in
  // the QR code is `verification_base_url` followed by the code. Without it, they are UNAVAILABLE.
  void EnableDocuments(const documents::Signer& signer, std::string verification_base_url);
  // Citizens for their own act or a minor child's, civil-status staff of the act's territory, and
  // services (role `service`, with the order they serve).
  absl::StatusOr<documents::v1::Document> IssueCopy(const Caller& c, const v1::IssueCopyRequest& r);
  // Whether the caller may order copies of a birth act, and which one (for WATIQA).
  absl::StatusOr<v1::CopyEntitlement> CheckCopyEntitlement(
      const Caller& c, const v1::CheckCopyEntitlementRequest& r);
  absl::StatusOr<documents::v1::Document> GetDocument(const Caller& c,
                                                      const v1::GetDocumentRequest& r);
  absl::StatusOr<api::v1::HttpBody> GetDocumentPdf(const Caller& c,
                                                   const v1::GetDocumentRequest& r);
  absl::StatusOr<documents::v1::Document> RevokeDocument(const Caller& c,
                                                         const v1::RevokeDocumentRequest& r);
  // Public: `c` may be anonymous.
  absl::StatusOr<documents::v1::Verification> VerifyDocument(const Caller& c,
                                                             const v1::VerifyDocumentRequest& r);
  absl::StatusOr<auth::v1::JsonWebKeySet> ListDocumentKeys(const Caller& c,
                                                           const v1::ListDocumentKeysRequest& r);

  // The historical-records import (registry_import.cc): batches of records, each batch in one
  // transaction; see the service README for the record format and outcomes.
  void set_import_options(ImportOptions options) { import_options_ = options; }
  absl::StatusOr<v1::ImportSummary> ImportHistoricalActs(const Caller& c, RecordStream& stream);
  absl::StatusOr<v1::ImportReport> GetImportReport(const Caller& c,
                                                   const v1::GetImportReportRequest& r);
  absl::StatusOr<v1::ListPossibleDuplicatesResponse> ListPossibleDuplicates(
      const Caller& c, const v1::ListPossibleDuplicatesRequest& r);
  absl::StatusOr<v1::PossibleDuplicate> ReviewPossibleDuplicate(
      const Caller& c, const v1::ReviewPossibleDuplicateRequest& r);

  absl::StatusOr<v1::VerifyAuditChainResponse> VerifyAuditChain(
      const Caller& c, const v1::VerifyAuditChainRequest& r);

 private:
  absl::StatusOr<v1::Declaration> Declare(const Caller& c, const std::string& request_id,
                                          const std::string& bureau_code, const std::string& method,
                                          const google::protobuf::Message& request,
                                          v1::Declaration declaration);

  absl::Status DocumentsEnabled() const;
  // The document `id` with the act it copies, when the caller may read that act.
  absl::StatusOr<std::pair<documents::v1::Document, std::string>> ReadableDocument(
      const Caller& c, const std::string& id);

  pg::Pool& pool_;
  std::shared_ptr<const territory::Referential> referential_;
  const core::Clock& clock_;
  service::Recorder recorder_;
  std::function<std::string()> idcs_source_;
  std::unique_ptr<documents::Documents> documents_;
  ImportOptions import_options_;
  std::string verification_base_url_;
};

}  // namespace zp::sgec
