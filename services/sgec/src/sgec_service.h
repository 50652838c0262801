#pragma once

// The gRPC face of the civil registry: one row per method, who may call it and what serves it
// (errors through core::ToGrpcStatus with their google.rpc details). The historical import is a
// client stream, served apart.

#include "services/sgec/src/registry.h"
#include "zp/auth/jwt.h"
#include "zp/rpc/method.h"
#include "zp/sgec/v1/sgec.grpc.pb.h"

namespace zp::sgec {

class CivilRegistryService final : public v1::CivilRegistry::Service {
 public:
  using Base = v1::CivilRegistry::Service;
  using enum rpc::Access;
  CivilRegistryService(Registry& registry, const auth::JwtVerifier& verifier)
      : registry_(registry), verifier_(&verifier) {}

  ZP_RPC_METHOD(CreateBureau, kToken, registry_.CreateBureau)
  ZP_RPC_METHOD(ListBureaus, kToken, registry_.ListBureaus)
  ZP_RPC_METHOD(DeclareBirth, kToken, registry_.DeclareBirth)
  ZP_RPC_METHOD(DeclareDeath, kToken, registry_.DeclareDeath)
  ZP_RPC_METHOD(GetDeclaration, kToken, registry_.GetDeclaration)
  ZP_RPC_METHOD(ListDeclarations, kToken, registry_.ListDeclarations)
  ZP_RPC_METHOD(ValidateDeclaration, kToken, registry_.ValidateDeclaration)
  ZP_RPC_METHOD(RejectDeclaration, kToken, registry_.RejectDeclaration)
  ZP_RPC_METHOD(ReviewDuplicate, kToken, registry_.ReviewDuplicate)
  ZP_RPC_METHOD(RegisterAct, kToken, registry_.RegisterAct)
  ZP_RPC_METHOD(GetAct, kToken, registry_.GetAct)
  ZP_RPC_METHOD(AddMention, kToken, registry_.AddMention)
  ZP_RPC_METHOD(SearchActs, kToken, registry_.SearchActs)
  ZP_RPC_METHOD(ListMyActs, kToken, registry_.ListMyActs)
  ZP_RPC_METHOD(IssueCopy, kToken, registry_.IssueCopy)
  ZP_RPC_METHOD(CheckCopyEntitlement, kToken, registry_.CheckCopyEntitlement)
  ZP_RPC_METHOD(GetDocument, kToken, registry_.GetDocument)
  ZP_RPC_METHOD(ListMyDocuments, kToken, registry_.ListMyDocuments)
  ZP_RPC_METHOD(GetDocumentPdf, kToken, registry_.GetDocumentPdf)
  ZP_RPC_METHOD(RevokeDocument, kToken, registry_.RevokeDocument)
  ZP_RPC_METHOD(VerifyDocument, kPublic, registry_.VerifyDocument)
  ZP_RPC_METHOD(ListDocumentKeys, kPublic, registry_.ListDocumentKeys)
  ZP_RPC_METHOD(GetImportReport, kToken, registry_.GetImportReport)
  ZP_RPC_METHOD(ListPossibleDuplicates, kToken, registry_.ListPossibleDuplicates)
  ZP_RPC_METHOD(ReviewPossibleDuplicate, kToken, registry_.ReviewPossibleDuplicate)
  ZP_RPC_METHOD(VerifyAuditChain, kToken, registry_.VerifyAuditChain)
  ZP_RPC_METHOD(ListAuditRecords, kToken, registry_.ListAuditRecords)

  grpc::Status ImportHistoricalActs(grpc::ServerContext* ctx,
                                    grpc::ServerReader<v1::ImportHistoricalActsRequest>* reader,
                                    v1::ImportSummary* resp) override;

 private:
  Registry& registry_;
  const auth::JwtVerifier* verifier_;
};

}  // namespace zp::sgec
