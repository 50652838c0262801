#pragma once

#include <grpcpp/support/client_interceptor.h>
#include <grpcpp/support/server_interceptor.h>

#include "zp/metrics/metrics.h"

namespace zp::metrics {

// Counts every RPC a server completes (zp_grpc_server_handled_total{service,method,code}) and
// observes its duration (zp_grpc_server_handling_seconds{service,method}).
class ServerMetricsInterceptorFactory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit ServerMetricsInterceptorFactory(Metrics& metrics) : metrics_(metrics) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;

 private:
  Metrics& metrics_;
};

// The same for outgoing calls (zp_grpc_client_handled_total, zp_grpc_client_handling_seconds).
class ClientMetricsInterceptorFactory final
    : public grpc::experimental::ClientInterceptorFactoryInterface {
 public:
  explicit ClientMetricsInterceptorFactory(Metrics& metrics) : metrics_(metrics) {}
  grpc::experimental::Interceptor* CreateClientInterceptor(
      grpc::experimental::ClientRpcInfo* info) override;

 private:
  Metrics& metrics_;
};

// "INVALID_ARGUMENT" for grpc::StatusCode::INVALID_ARGUMENT, as in the metrics' code label.
const char* StatusCodeName(grpc::StatusCode code);

}  // namespace zp::metrics
