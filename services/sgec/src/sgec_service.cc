#include "services/sgec/src/sgec_service.h"

#include "zp/core/status.h"
#include "zp/rpc/call.h"
#include "zp/rpc/handler.h"

namespace zp::sgec {

template <typename Request, typename Response>
grpc::Status CivilRegistryService::Handle(
    grpc::ServerContext* ctx, const Request* req, Response* resp,
    absl::StatusOr<Response> (Registry::*method)(const Caller&, const Request&),
    bool public_method) {
  auto caller_of = [&](grpc::ServerContext* c) -> absl::StatusOr<Caller> {
    if (public_method && rpc::Metadata(c, rpc::kAuthorizationHeader).empty()) {
      return Caller{{}, rpc::Call::Anonymous(c).traceparent()};  // no principal: anonymous
    }
    ASSIGN_OR_RETURN(rpc::Call call, rpc::Call::Authenticated(c, verifier_));
    return Caller{call.principal(), call.traceparent()};
  };
  return rpc::Serve(ctx, *req, resp, caller_of, [&](const Caller& caller, const Request& r) {
    return (registry_.*method)(caller, r);
  });
}

#define ZP_SGEC_METHOD(Name, Request, Response, ...)                                        \
  grpc::Status CivilRegistryService::Name(grpc::ServerContext* ctx, const v1::Request* req, \
                                          Response* resp) {                                 \
    return Handle(ctx, req, resp, &Registry::Name __VA_OPT__(, ) __VA_ARGS__);              \
  }

ZP_SGEC_METHOD(CreateBureau, CreateBureauRequest, v1::Bureau)
ZP_SGEC_METHOD(ListBureaus, ListBureausRequest, v1::ListBureausResponse)
ZP_SGEC_METHOD(DeclareBirth, DeclareBirthRequest, v1::Declaration)
ZP_SGEC_METHOD(DeclareDeath, DeclareDeathRequest, v1::Declaration)
ZP_SGEC_METHOD(GetDeclaration, GetDeclarationRequest, v1::Declaration)
ZP_SGEC_METHOD(ListDeclarations, ListDeclarationsRequest, v1::ListDeclarationsResponse)
ZP_SGEC_METHOD(ValidateDeclaration, ValidateDeclarationRequest, v1::Declaration)
ZP_SGEC_METHOD(RejectDeclaration, RejectDeclarationRequest, v1::Declaration)
ZP_SGEC_METHOD(ReviewDuplicate, ReviewDuplicateRequest, v1::Declaration)
ZP_SGEC_METHOD(RegisterAct, RegisterActRequest, v1::Act)
ZP_SGEC_METHOD(GetAct, GetActRequest, v1::Act)
ZP_SGEC_METHOD(AddMention, AddMentionRequest, v1::Act)
ZP_SGEC_METHOD(SearchActs, SearchActsRequest, v1::SearchActsResponse)
ZP_SGEC_METHOD(IssueCopy, IssueCopyRequest, documents::v1::Document)
ZP_SGEC_METHOD(CheckCopyEntitlement, CheckCopyEntitlementRequest, v1::CopyEntitlement)
ZP_SGEC_METHOD(GetDocument, GetDocumentRequest, documents::v1::Document)
ZP_SGEC_METHOD(GetDocumentPdf, GetDocumentRequest, api::v1::HttpBody)
ZP_SGEC_METHOD(RevokeDocument, RevokeDocumentRequest, documents::v1::Document)
ZP_SGEC_METHOD(VerifyDocument, VerifyDocumentRequest, documents::v1::Verification, true)
ZP_SGEC_METHOD(ListDocumentKeys, ListDocumentKeysRequest, auth::v1::JsonWebKeySet, true)
ZP_SGEC_METHOD(GetImportReport, GetImportReportRequest, v1::ImportReport)
ZP_SGEC_METHOD(ListPossibleDuplicates, ListPossibleDuplicatesRequest,
               v1::ListPossibleDuplicatesResponse)
ZP_SGEC_METHOD(ReviewPossibleDuplicate, ReviewPossibleDuplicateRequest, v1::PossibleDuplicate)
ZP_SGEC_METHOD(VerifyAuditChain, VerifyAuditChainRequest, v1::VerifyAuditChainResponse)

#undef ZP_SGEC_METHOD

namespace {

class ReaderStream final : public RecordStream {
 public:
  ReaderStream(grpc::ServerContext* ctx,
               grpc::ServerReader<v1::ImportHistoricalActsRequest>* reader)
      : ctx_(ctx), reader_(reader) {}
  bool Next(v1::ImportHistoricalActsRequest* request) override { return reader_->Read(request); }
  bool Cancelled() const override { return ctx_->IsCancelled(); }

 private:
  grpc::ServerContext* ctx_;
  grpc::ServerReader<v1::ImportHistoricalActsRequest>* reader_;
};

}  // namespace

grpc::Status CivilRegistryService::ImportHistoricalActs(
    grpc::ServerContext* ctx, grpc::ServerReader<v1::ImportHistoricalActsRequest>* reader,
    v1::ImportSummary* resp) {
  absl::StatusOr<rpc::Call> call = rpc::Call::Authenticated(ctx, verifier_);
  if (!call.ok()) return core::ToGrpcStatus(call.status());
  Caller caller{call->principal(), call->traceparent()};
  ReaderStream stream(ctx, reader);
  absl::StatusOr<v1::ImportSummary> result = registry_.ImportHistoricalActs(caller, stream);
  if (!result.ok()) return core::ToGrpcStatus(result.status());
  *resp = *std::move(result);
  return grpc::Status::OK;
}

}  // namespace zp::sgec
