#pragma once

// Signed copies and extracts of acts (libs/documents): issued to citizens for their own act or a
// minor child's, to civil-status staff of the act's territory and to WATIQA for the order its
// token grants; read, rendered as PDF, revoked, verified by anyone.

#include <memory>
#include <string>
#include <utility>

#include "services/sgec/src/registry_core.h"
#include "zp/api/v1/httpbody.pb.h"
#include "zp/documents/documents.h"

namespace zp::sgec {

class CopyDesk {
 public:
  explicit CopyDesk(RegistryCore& core) : core_(core) {}

  // `signer` signs the copies; the verification URL printed in the QR code is
  // `verification_base_url` followed by the code. Without it, they are UNAVAILABLE.
  void EnableDocuments(const documents::Signer& signer, std::string verification_base_url);

  absl::StatusOr<documents::v1::Document> IssueCopy(const Caller& c, const v1::IssueCopyRequest& r);
  // Whether the caller may order copies of a birth act, and which one (for WATIQA).
  absl::StatusOr<v1::CopyEntitlement> CheckCopyEntitlement(
      const Caller& c, const v1::CheckCopyEntitlementRequest& r);
  absl::StatusOr<documents::v1::Document> GetDocument(const Caller& c,
                                                      const v1::GetDocumentRequest& r);
  absl::StatusOr<v1::ListMyDocumentsResponse> ListMyDocuments(const Caller& c,
                                                              const v1::ListMyDocumentsRequest& r);
  absl::StatusOr<api::v1::HttpBody> GetDocumentPdf(const Caller& c,
                                                   const v1::GetDocumentRequest& r);
  absl::StatusOr<documents::v1::Document> RevokeDocument(const Caller& c,
                                                         const v1::RevokeDocumentRequest& r);
  // Public: `c` may be anonymous.
  absl::StatusOr<documents::v1::Verification> VerifyDocument(const Caller& c,
                                                             const v1::VerifyDocumentRequest& r);
  absl::StatusOr<auth::v1::JsonWebKeySet> ListDocumentKeys(const Caller& c,
                                                           const v1::ListDocumentKeysRequest& r);

 private:
  absl::Status DocumentsEnabled() const;
  // The document `id` with the act it copies, when the caller may read that act.
  absl::StatusOr<std::pair<documents::v1::Document, std::string>> ReadableDocument(
      const Caller& c, const std::string& id);

  RegistryCore& core_;
  std::unique_ptr<documents::Documents> documents_;
  std::string verification_base_url_;
};

}  // namespace zp::sgec
