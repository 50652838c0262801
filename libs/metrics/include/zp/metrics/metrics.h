#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "prometheus/counter.h"
#include "prometheus/exposer.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"

namespace zp::metrics {

// The registry of one process and the metric families every service shares (names in DESIGN.md,
// section 4). Components add their own families to registry().
class Metrics {
 public:
  explicit Metrics(std::string service);

  const std::string& service() const { return service_; }
  std::shared_ptr<prometheus::Registry> registry() const { return registry_; }

  prometheus::Family<prometheus::Counter>& grpc_server_handled() { return *grpc_server_handled_; }
  prometheus::Family<prometheus::Histogram>& grpc_server_seconds() { return *grpc_server_seconds_; }
  prometheus::Family<prometheus::Counter>& grpc_client_handled() { return *grpc_client_handled_; }
  prometheus::Family<prometheus::Histogram>& grpc_client_seconds() { return *grpc_client_seconds_; }
  // zp_db_pool_in_use{service}: give it to pg::PoolOptions::in_use_gauge.
  prometheus::Gauge& db_pool_in_use() { return *db_pool_in_use_; }

  // The buckets of every latency histogram, in seconds (1 ms to 10 s).
  static const prometheus::Histogram::BucketBoundaries& LatencyBuckets();

 private:
  std::string service_;
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>* grpc_server_handled_;
  prometheus::Family<prometheus::Histogram>* grpc_server_seconds_;
  prometheus::Family<prometheus::Counter>* grpc_client_handled_;
  prometheus::Family<prometheus::Histogram>* grpc_client_seconds_;
  prometheus::Gauge* db_pool_in_use_;
};

// Serves GET /metrics on `bind_address` ("127.0.0.1:9101", or ":9101" for every interface).
absl::StatusOr<std::unique_ptr<prometheus::Exposer>> Expose(const std::string& bind_address,
                                                            const Metrics& metrics);

// Text exposition of the registry, as /metrics serves it (for tests and zpctl).
std::string Render(const Metrics& metrics);

}  // namespace zp::metrics
