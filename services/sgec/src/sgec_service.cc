#include "services/sgec/src/sgec_service.h"

#include "zp/core/status.h"
#include "zp/rpc/call.h"

namespace zp::sgec {

template <typename Request, typename Response>
grpc::Status CivilRegistryService::Handle(
    grpc::ServerContext* ctx, const Request* req, Response* resp,
    absl::StatusOr<Response> (Registry::*method)(const Caller&, const Request&)) {
  absl::StatusOr<rpc::Call> call = rpc::Call::Authenticated(ctx, verifier_);
  if (!call.ok()) return core::ToGrpcStatus(call.status());
  Caller caller{call->principal(), call->traceparent()};
  absl::StatusOr<Response> result = (registry_.*method)(caller, *req);
  if (!result.ok()) return core::ToGrpcStatus(result.status());
  *resp = *std::move(result);
  return grpc::Status::OK;
}

#define ZP_SGEC_METHOD(Name, Request, Response)                                    \
  grpc::Status CivilRegistryService::Name(grpc::ServerContext* ctx,               \
                                          const v1::Request* req, v1::Response* resp) { \
    return Handle(ctx, req, resp, &Registry::Name);                                \
  }

ZP_SGEC_METHOD(CreateBureau, CreateBureauRequest, Bureau)
ZP_SGEC_METHOD(ListBureaus, ListBureausRequest, ListBureausResponse)
ZP_SGEC_METHOD(DeclareBirth, DeclareBirthRequest, Declaration)
ZP_SGEC_METHOD(DeclareDeath, DeclareDeathRequest, Declaration)
ZP_SGEC_METHOD(GetDeclaration, GetDeclarationRequest, Declaration)
ZP_SGEC_METHOD(ListDeclarations, ListDeclarationsRequest, ListDeclarationsResponse)
ZP_SGEC_METHOD(ValidateDeclaration, ValidateDeclarationRequest, Declaration)
ZP_SGEC_METHOD(RejectDeclaration, RejectDeclarationRequest, Declaration)
ZP_SGEC_METHOD(ReviewDuplicate, ReviewDuplicateRequest, Declaration)
ZP_SGEC_METHOD(RegisterAct, RegisterActRequest, Act)
ZP_SGEC_METHOD(GetAct, GetActRequest, Act)
ZP_SGEC_METHOD(AddMention, AddMentionRequest, Act)
ZP_SGEC_METHOD(SearchActs, SearchActsRequest, SearchActsResponse)
ZP_SGEC_METHOD(VerifyAuditChain, VerifyAuditChainRequest, VerifyAuditChainResponse)

#undef ZP_SGEC_METHOD

}  // namespace zp::sgec
