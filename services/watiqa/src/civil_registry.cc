#include "services/watiqa/src/civil_registry.h"

#include <grpcpp/client_context.h>

#include "absl/strings/str_cat.h"
#include "zp/core/status.h"
#include "zp/rpc/metadata.h"

namespace zp::watiqa {

namespace {

void Prepare(grpc::ClientContext& ctx, const std::string& token, const std::string& traceparent,
             absl::Time deadline) {
  ctx.AddMetadata(rpc::kAuthorizationHeader, absl::StrCat("Bearer ", token));
  if (!traceparent.empty()) ctx.AddMetadata(rpc::kTraceparentHeader, traceparent);
  ctx.set_deadline(absl::ToChronoTime(deadline));
}
}  // namespace

absl::StatusOr<sgec::v1::CopyEntitlement> GrpcCivilRegistry::CheckEntitlement(
    const std::string& bearer_token, const sgec::v1::CheckCopyEntitlementRequest& request,
    const std::string& traceparent, absl::Time deadline) {
  grpc::ClientContext ctx;
  Prepare(ctx, bearer_token, traceparent, deadline);
  sgec::v1::CopyEntitlement out;
  grpc::Status s = stub_->CheckCopyEntitlement(&ctx, request, &out);
  if (!s.ok()) return core::FromGrpcStatus(s);
  return out;
}

absl::StatusOr<documents::v1::Document> GrpcCivilRegistry::IssueCopy(
    const sgec::v1::IssueCopyRequest& request, absl::Time deadline) {
  // The grant names the method as SGEC checks it.
  ASSIGN_OR_RETURN(
      std::string token,
      token_.ForRequest(absl::StrCat(sgec::v1::CivilRegistry::service_full_name(), ".IssueCopy"),
                        request));
  grpc::ClientContext ctx;
  Prepare(ctx, token, "", deadline);
  ctx.AddMetadata(rpc::kRequestIdHeader, request.request_id());
  documents::v1::Document out;
  grpc::Status s = stub_->IssueCopy(&ctx, request, &out);
  if (!s.ok()) return core::FromGrpcStatus(s);
  return out;
}

}  // namespace zp::watiqa
