#pragma once

#include <grpcpp/support/server_interceptor.h>

namespace zp::rpc {

// Writes one JSON log line per completed RPC: method, status code, duration, request_id and
// trace_id (from the x-request-id and traceparent metadata). Errors other than the client's own
// mistakes are logged at warn level.
class AccessLogInterceptorFactory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;
};

}  // namespace zp::rpc
