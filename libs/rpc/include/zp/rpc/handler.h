#pragma once

// The shape every service method shares: build the caller from the call's metadata, run the
// domain method, answer its result or its error (with the details of zp::core errors).

#include <grpcpp/server_context.h>
#include <grpcpp/support/status.h>

#include <utility>

#include "absl/status/statusor.h"
#include "zp/core/status.h"

namespace zp::rpc {

// `caller_of(ctx)` returns absl::StatusOr<Caller>; `method(caller, request)` returns
// absl::StatusOr<Response>.
template <typename Request, typename Response, typename CallerOf, typename Method>
grpc::Status Serve(grpc::ServerContext* ctx, const Request& request, Response* response,
                   CallerOf&& caller_of, Method&& method) {
  auto caller = caller_of(ctx);
  if (!caller.ok()) return core::ToGrpcStatus(caller.status());
  absl::StatusOr<Response> result = method(*caller, request);
  if (!result.ok()) return core::ToGrpcStatus(result.status());
  *response = *std::move(result);
  return grpc::Status::OK;
}

}  // namespace zp::rpc
