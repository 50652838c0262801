#include "zp/rpc/method.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "zp/core/api.h"
#include "zp/core/uuid.h"
#include "zp/log/log.h"

namespace zp::rpc {

bool IsPartnerName(absl::string_view name) {
  return name == auth::roles::kTgr || name == auth::roles::kBarid || name == auth::roles::kAdd;
}

std::string Metadata(const grpc::ServerContext* ctx, absl::string_view key) {
  const auto& md = ctx->client_metadata();
  auto it = md.find(grpc::string_ref(key.data(), key.size()));
  return it == md.end() ? std::string() : std::string(it->second.data(), it->second.size());
}

namespace {

absl::Status CheckStrings(const google::protobuf::Message& m, const std::string& prefix) {
  using google::protobuf::FieldDescriptor;
  const google::protobuf::Reflection* reflection = m.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(m, &fields);
  for (const FieldDescriptor* f : fields) {
    const std::string name = prefix.empty() ? f->name() : absl::StrCat(prefix, ".", f->name());
    if (f->cpp_type() == FieldDescriptor::CPPTYPE_STRING &&
        f->type() == FieldDescriptor::TYPE_STRING) {
      const int n = f->is_repeated() ? reflection->FieldSize(m, f) : 1;
      for (int i = 0; i < n; ++i) {
        std::string scratch;
        const std::string& value = f->is_repeated()
                                       ? reflection->GetRepeatedStringReference(m, f, i, &scratch)
                                       : reflection->GetStringReference(m, f, &scratch);
        if (core::CharacterCount(value) > kMaxStringCharacters) {
          return core::InvalidArgumentError(
              f->is_repeated() ? absl::StrCat(name, "[", i, "]") : name,
              absl::StrCat("at most ", kMaxStringCharacters, " characters"));
        }
      }
    } else if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      if (f->is_repeated()) {
        for (int i = 0; i < reflection->FieldSize(m, f); ++i) {
          RETURN_IF_ERROR(CheckStrings(reflection->GetRepeatedMessage(m, f, i),
                                       absl::StrCat(name, "[", i, "]")));
        }
      } else {
        RETURN_IF_ERROR(CheckStrings(reflection->GetMessage(m, f), name));
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CheckStringLengths(const google::protobuf::Message& request) {
  return CheckStrings(request, "");
}

Caller CallOf(const grpc::ServerContext* ctx, absl::Duration default_deadline) {
  Caller c = Caller::Anonymous(Metadata(ctx, kTraceparentHeader));
  c.request_id = Metadata(ctx, kRequestIdHeader);
  // A call that starts here (a partner's, not through the gateway) starts its trace and takes a
  // request id here, so that what it causes (events, audit rows, peer calls) leads back to it.
  c.trace_id = log::TraceIdFromTraceparent(c.traceparent);
  if (c.trace_id.empty()) {
    c.traceparent = log::NextTraceparent("");
    c.trace_id = log::TraceIdFromTraceparent(c.traceparent);
  }
  if (c.request_id.empty()) c.request_id = core::NewUuidV7();
  c.deadline = std::min(absl::FromChrono(ctx->deadline()), absl::Now() + default_deadline);
  return c;
}

namespace {

absl::Status VerifyToken(const grpc::ServerContext* ctx, const auth::JwtVerifier& verifier,
                         Caller& c) {
  const std::string header = Metadata(ctx, kAuthorizationHeader);
  constexpr absl::string_view kBearer = "Bearer ";
  if (!absl::StartsWithIgnoreCase(header, kBearer)) {
    return core::ErrorWithReason(absl::StatusCode::kUnauthenticated, "a bearer token is required",
                                 "TOKEN_MISSING");
  }
  c.bearer_token = header.substr(kBearer.size());
  ASSIGN_OR_RETURN(c.principal, verifier.Verify(c.bearer_token));
  c.via = Caller::Via::kToken;
  return absl::OkStatus();
}

absl::Status VerifyPartner(const grpc::ServerContext* ctx, Caller& c) {
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
  c.via = Caller::Via::kPartner;
  c.principal.subject = absl::StrCat("partner:", name);
  c.principal.partner = name;
  c.principal.roles = {name};
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Caller> CallerOf(const grpc::ServerContext* ctx, Access access,
                                const auth::JwtVerifier* verifier,
                                absl::Duration default_deadline) {
  return Authenticate(ctx, CallOf(ctx, default_deadline), access, verifier);
}

absl::StatusOr<Caller> Authenticate(const grpc::ServerContext* ctx, Caller c, Access access,
                                    const auth::JwtVerifier* verifier) {
  switch (access) {
    case Access::kPartner:
      RETURN_IF_ERROR(VerifyPartner(ctx, c));
      return c;
    case Access::kPublic:
      if (Metadata(ctx, kAuthorizationHeader).empty()) return c;
      [[fallthrough]];
    case Access::kToken:
      if (verifier == nullptr) return absl::InternalError("no token verifier on this service");
      RETURN_IF_ERROR(VerifyToken(ctx, *verifier, c));
      return c;
  }
  return absl::InternalError("unknown access");
}

}  // namespace zp::rpc
