#include "zp/metrics/metrics.h"

#include "absl/strings/str_cat.h"
#include "prometheus/text_serializer.h"

namespace zp::metrics {

const prometheus::Histogram::BucketBoundaries& Metrics::LatencyBuckets() {
  static const auto* buckets = new prometheus::Histogram::BucketBoundaries{
      0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  return *buckets;
}

Metrics::Metrics(std::string service)
    : service_(std::move(service)), registry_(std::make_shared<prometheus::Registry>()) {
  grpc_server_handled_ = &prometheus::BuildCounter()
                              .Name("zp_grpc_server_handled_total")
                              .Help("RPCs completed on the server, by method and status code.")
                              .Register(*registry_);
  grpc_server_seconds_ = &prometheus::BuildHistogram()
                              .Name("zp_grpc_server_handling_seconds")
                              .Help("Time from receiving an RPC to sending its status.")
                              .Register(*registry_);
  grpc_client_handled_ = &prometheus::BuildCounter()
                              .Name("zp_grpc_client_handled_total")
                              .Help("RPCs completed by this process as a client.")
                              .Register(*registry_);
  grpc_client_seconds_ = &prometheus::BuildHistogram()
                              .Name("zp_grpc_client_handling_seconds")
                              .Help("Time from starting an outgoing RPC to receiving its status.")
                              .Register(*registry_);
  db_pool_in_use_ = &prometheus::BuildGauge()
                         .Name("zp_db_pool_in_use")
                         .Help("Database connections currently lent out by the pool.")
                         .Register(*registry_)
                         .Add({{"service", service_}});
}

absl::StatusOr<std::unique_ptr<prometheus::Exposer>> Expose(const std::string& bind_address,
                                                            const Metrics& metrics) {
  try {
    auto exposer = std::make_unique<prometheus::Exposer>(bind_address);
    exposer->RegisterCollectable(metrics.registry());
    return exposer;
  } catch (const std::exception& e) {
    // civetweb throws when the port is taken; no exception leaves this library.
    return absl::UnavailableError(
        absl::StrCat("metrics: cannot listen on ", bind_address, ": ", e.what()));
  }
}

std::string Render(const Metrics& metrics) {
  return prometheus::TextSerializer().Serialize(metrics.registry()->Collect());
}

}  // namespace zp::metrics
