#include "zp/rpc/call.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "zp/core/status.h"

namespace zp::rpc {

bool IsPartnerName(absl::string_view name) {
  return name == auth::roles::kTgr || name == auth::roles::kBarid || name == auth::roles::kAdd;
}

std::string Metadata(const grpc::ServerContext* ctx, absl::string_view key) {
  const auto& md = ctx->client_metadata();
  auto it = md.find(grpc::string_ref(key.data(), key.size()));
  return it == md.end() ? std::string() : std::string(it->second.data(), it->second.size());
}

Call::Call(grpc::ServerContext* ctx, absl::Duration default_deadline) {
  log_context_.request_id = Metadata(ctx, kRequestIdHeader);
  traceparent_ = Metadata(ctx, kTraceparentHeader);
  log_context_.trace_id = log::TraceIdFromTraceparent(traceparent_);
  scope_ = std::make_shared<log::ScopedContext>(log_context_);
  absl::Time client_deadline = absl::FromChrono(ctx->deadline());
  deadline_ = std::min(client_deadline, absl::Now() + default_deadline);
}

absl::StatusOr<Call> Call::Authenticated(grpc::ServerContext* ctx,
                                         const auth::JwtVerifier& verifier,
                                         absl::Duration default_deadline) {
  Call call(ctx, default_deadline);
  std::string header = Metadata(ctx, kAuthorizationHeader);
  constexpr absl::string_view kBearer = "Bearer ";
  if (!absl::StartsWithIgnoreCase(header, kBearer)) {
    return core::ErrorWithReason(absl::StatusCode::kUnauthenticated, "a bearer token is required",
                                 "TOKEN_MISSING");
  }
  ASSIGN_OR_RETURN(call.principal_,
                   verifier.Verify(absl::string_view(header).substr(kBearer.size())));
  return call;
}

absl::StatusOr<Call> Call::Partner(grpc::ServerContext* ctx, absl::Duration default_deadline) {
  Call call(ctx, default_deadline);
  std::shared_ptr<const grpc::AuthContext> auth = ctx->auth_context();
  if (auth == nullptr || !auth->IsPeerAuthenticated()) {
    return core::ErrorWithReason(absl::StatusCode::kUnauthenticated,
                                 "a verified client certificate is required",
                                 "CLIENT_CERTIFICATE_REQUIRED");
  }
  std::vector<grpc::string_ref> names = auth->FindPropertyValues("x509_common_name");
  std::string name = names.empty() ? "" : std::string(names[0].data(), names[0].size());
  if (!IsPartnerName(name)) {
    return core::ErrorWithReason(absl::StatusCode::kPermissionDenied,
                                 absl::StrCat("certificate subject ", name, " is not a partner"),
                                 "UNKNOWN_PARTNER");
  }
  call.principal_.subject = absl::StrCat("partner:", name);
  call.principal_.partner = name;
  call.principal_.roles = {name};
  return call;
}

Call Call::Anonymous(grpc::ServerContext* ctx, absl::Duration default_deadline) {
  Call call(ctx, default_deadline);
  call.principal_.subject = "anonymous";
  return call;
}

}  // namespace zp::rpc
