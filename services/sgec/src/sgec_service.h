#pragma once

// gRPC face of the civil registry: authenticates the call, hands the request to Registry,
// converts the result (errors through core::ToGrpcStatus with their google.rpc details).

#include "services/sgec/src/registry.h"
#include "zp/auth/jwt.h"
#include "zp/sgec/v1/sgec.grpc.pb.h"

namespace zp::sgec {

class CivilRegistryService final : public v1::CivilRegistry::Service {
 public:
  CivilRegistryService(Registry& registry, const auth::JwtVerifier& verifier)
      : registry_(registry), verifier_(verifier) {}

  grpc::Status CreateBureau(grpc::ServerContext* ctx, const v1::CreateBureauRequest* req,
                            v1::Bureau* resp) override;
  grpc::Status ListBureaus(grpc::ServerContext* ctx, const v1::ListBureausRequest* req,
                           v1::ListBureausResponse* resp) override;
  grpc::Status DeclareBirth(grpc::ServerContext* ctx, const v1::DeclareBirthRequest* req,
                            v1::Declaration* resp) override;
  grpc::Status DeclareDeath(grpc::ServerContext* ctx, const v1::DeclareDeathRequest* req,
                            v1::Declaration* resp) override;
  grpc::Status GetDeclaration(grpc::ServerContext* ctx, const v1::GetDeclarationRequest* req,
                              v1::Declaration* resp) override;
  grpc::Status ListDeclarations(grpc::ServerContext* ctx, const v1::ListDeclarationsRequest* req,
                                v1::ListDeclarationsResponse* resp) override;
  grpc::Status ValidateDeclaration(grpc::ServerContext* ctx,
                                   const v1::ValidateDeclarationRequest* req,
                                   v1::Declaration* resp) override;
  grpc::Status RejectDeclaration(grpc::ServerContext* ctx, const v1::RejectDeclarationRequest* req,
                                 v1::Declaration* resp) override;
  grpc::Status ReviewDuplicate(grpc::ServerContext* ctx, const v1::ReviewDuplicateRequest* req,
                               v1::Declaration* resp) override;
  grpc::Status RegisterAct(grpc::ServerContext* ctx, const v1::RegisterActRequest* req,
                           v1::Act* resp) override;
  grpc::Status GetAct(grpc::ServerContext* ctx, const v1::GetActRequest* req,
                      v1::Act* resp) override;
  grpc::Status AddMention(grpc::ServerContext* ctx, const v1::AddMentionRequest* req,
                          v1::Act* resp) override;
  grpc::Status SearchActs(grpc::ServerContext* ctx, const v1::SearchActsRequest* req,
                          v1::SearchActsResponse* resp) override;
  grpc::Status IssueCopy(grpc::ServerContext* ctx, const v1::IssueCopyRequest* req,
                         documents::v1::Document* resp) override;
  grpc::Status CheckCopyEntitlement(grpc::ServerContext* ctx,
                                    const v1::CheckCopyEntitlementRequest* req,
                                    v1::CopyEntitlement* resp) override;
  grpc::Status GetDocument(grpc::ServerContext* ctx, const v1::GetDocumentRequest* req,
                           documents::v1::Document* resp) override;
  grpc::Status GetDocumentPdf(grpc::ServerContext* ctx, const v1::GetDocumentRequest* req,
                              api::v1::HttpBody* resp) override;
  grpc::Status RevokeDocument(grpc::ServerContext* ctx, const v1::RevokeDocumentRequest* req,
                              documents::v1::Document* resp) override;
  grpc::Status VerifyDocument(grpc::ServerContext* ctx, const v1::VerifyDocumentRequest* req,
                              documents::v1::Verification* resp) override;
  grpc::Status ListDocumentKeys(grpc::ServerContext* ctx, const v1::ListDocumentKeysRequest* req,
                                auth::v1::JsonWebKeySet* resp) override;
  grpc::Status ImportHistoricalActs(grpc::ServerContext* ctx,
                                    grpc::ServerReader<v1::ImportHistoricalActsRequest>* reader,
                                    v1::ImportSummary* resp) override;
  grpc::Status GetImportReport(grpc::ServerContext* ctx, const v1::GetImportReportRequest* req,
                               v1::ImportReport* resp) override;
  grpc::Status ListPossibleDuplicates(grpc::ServerContext* ctx,
                                      const v1::ListPossibleDuplicatesRequest* req,
                                      v1::ListPossibleDuplicatesResponse* resp) override;
  grpc::Status ReviewPossibleDuplicate(grpc::ServerContext* ctx,
                                       const v1::ReviewPossibleDuplicateRequest* req,
                                       v1::PossibleDuplicate* resp) override;
  grpc::Status VerifyAuditChain(grpc::ServerContext* ctx, const v1::VerifyAuditChainRequest* req,
                                v1::VerifyAuditChainResponse* resp) override;

 private:
  template <typename Request, typename Response>
  grpc::Status Handle(grpc::ServerContext* ctx, const Request* req, Response* resp,
                      absl::StatusOr<Response> (Registry::*method)(const Caller&,
                                                                  const Request&),
                      bool public_method = false);

  Registry& registry_;
  const auth::JwtVerifier& verifier_;
};

}  // namespace zp::sgec
