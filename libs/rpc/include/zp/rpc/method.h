#pragma once

// One shape for every method of every service: a service class is a table of its methods, each
// naming who may call it and the domain method that serves it.
//
//   class ComplaintsService final : public v1::Complaints::Service {
//    public:
//     using Base = v1::Complaints::Service;
//     ComplaintsService(Desk& desk, const auth::JwtVerifier& verifier)
//         : desk_(desk), verifier_(&verifier) {}
//     ZP_RPC_METHOD(Submit, rpc::Access::kPublic, desk_.Submit)
//     ZP_RPC_METHOD(Assign, rpc::Access::kToken, desk_.Assign)
//    private:
//     Desk& desk_;
//     const auth::JwtVerifier* verifier_;  // read by ZP_RPC_METHOD; nullptr on partner services
//   };
//
// Each row overrides the generated method: the caller is built once from the call's metadata
// (CallerOf), the log lines of the handler's thread carry its request and trace ids, and the
// domain method's absl::StatusOr answer becomes the gRPC answer (core::ToGrpcStatus).

#include <grpcpp/server_context.h>
#include <grpcpp/support/status.h>

#include <utility>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "google/protobuf/message.h"
#include "zp/auth/jwt.h"
#include "zp/core/status.h"
#include "zp/log/log.h"
#include "zp/rpc/caller.h"
#include "zp/rpc/metadata.h"

namespace zp::rpc {

inline constexpr absl::Duration kDefaultDeadline = absl::Seconds(30);

// The ids and deadline of the call, principal not yet known (anonymous).
Caller CallOf(const grpc::ServerContext* ctx, absl::Duration default_deadline = kDefaultDeadline);

// The caller of a method of `access`: UNAUTHENTICATED without a valid token (kToken) or client
// certificate (kPartner), PERMISSION_DENIED for a certificate that names no partner; a kPublic
// method is anonymous without a token and verifies the token it is sent. `verifier` may be null
// for kPartner.
absl::StatusOr<Caller> CallerOf(const grpc::ServerContext* ctx, Access access,
                                const auth::JwtVerifier* verifier,
                                absl::Duration default_deadline = kDefaultDeadline);
// The same for a call already read by CallOf (its request id and trace, drawn once).
absl::StatusOr<Caller> Authenticate(const grpc::ServerContext* ctx, Caller call, Access access,
                                    const auth::JwtVerifier* verifier);

// Every string of a request, at any depth, holds at most this many characters: the services'
// own rules are tighter (names 100, free text 4,000), and this bound keeps what none of them
// names (an id, a reference, a cursor) from reaching a rule, SQL or a peer. Bytes are bounded by
// the message size.
inline constexpr size_t kMaxStringCharacters = 4096;
// INVALID_ARGUMENT naming the first longer string ("birth.child.given_name.fr",
// "mentions[2].note").
absl::Status CheckStringLengths(const google::protobuf::Message& request);

// Serves one call: `handler(caller, request)` returns absl::StatusOr<Response>. The request's
// shape is checked first (CheckStringLengths), as the gateway checks its JSON before any token.
template <typename Request, typename Response, typename Handler>
grpc::Status Serve(const grpc::ServerContext* ctx, const Request& request, Response* response,
                   Access access, const auth::JwtVerifier* verifier, Handler&& handler) {
  const Caller call = CallOf(ctx);
  log::ScopedContext scope({call.request_id, call.trace_id});
  if (absl::Status shape = CheckStringLengths(request); !shape.ok()) {
    return core::ToGrpcStatus(shape);
  }
  absl::StatusOr<Caller> caller = Authenticate(ctx, call, access, verifier);
  if (!caller.ok()) return core::ToGrpcStatus(caller.status());
  absl::StatusOr<Response> result = handler(*caller, request);
  if (!result.ok()) {
    // The caller reads a generic message (core::ToGrpcStatus); the log keeps the fault.
    if (core::IsInternalFault(result.status())) {
      spdlog::error("{}", result.status().ToString());
    }
    return core::ToGrpcStatus(result.status());
  }
  *response = *std::move(result);
  return grpc::Status::OK;
}

// The request and response types of a generated unary method, from its pointer.
template <typename Method>
struct MethodTraits;
template <typename Service, typename Req, typename Resp>
struct MethodTraits<grpc::Status (Service::*)(grpc::ServerContext*, const Req*, Resp*)> {
  using Request = Req;
  using Response = Resp;
};

}  // namespace zp::rpc

// A row of a service's method table (see above). `Base` is the generated service class and
// `verifier_` the service's `const auth::JwtVerifier*`.
#define ZP_RPC_METHOD(Name, access, handler)                                                    \
  ::grpc::Status Name(                                                                          \
      ::grpc::ServerContext* ctx,                                                               \
      const typename ::zp::rpc::MethodTraits<decltype(&Base::Name)>::Request* request,          \
      typename ::zp::rpc::MethodTraits<decltype(&Base::Name)>::Response* response) override {   \
    return ::zp::rpc::Serve(                                                                    \
        ctx, *request, response, access, verifier_,                                             \
        [this](const ::zp::rpc::Caller& caller, const auto& r) { return handler(caller, r); }); \
  }
