#pragma once

#include <grpcpp/server.h>

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "zp/core/config.h"
#include "zp/metrics/metrics.h"
#include "zp/rpc/tls.h"

namespace prometheus {
class Exposer;
}

namespace zp::rpc {

struct ServerOptions {
  std::string service_name;
  // Internal port: the gateway and other services (plaintext inside the cluster unless tls is set).
  std::string listen_address = "127.0.0.1:0";
  TlsFiles internal_tls;  // optional
  // Partner port: mutual TLS, client certificates signed by partner_tls.ca_file. Empty: no port.
  std::string partner_address;
  TlsFiles partner_tls;
  // Prometheus /metrics; empty: not exposed.
  std::string metrics_address;
  int max_message_bytes = 4 * 1024 * 1024;
  // How long in-flight calls may finish after SIGTERM before they are cancelled.
  absl::Duration drain_timeout = absl::Seconds(10);
  // Readiness: the health status is SERVING only while this answers OK (e.g. the database pool's
  // Ping). Checked every readiness_interval.
  std::function<absl::Status()> readiness_check;
  absl::Duration readiness_interval = absl::Seconds(2);
};

// The settings every service reads (ZP_<NAME> / --<name>), with per-service default ports.
std::vector<core::Setting> CommonSettings(int grpc_port, int partner_port, int metrics_port);
// ServerOptions from a Config parsed with CommonSettings.
absl::StatusOr<ServerOptions> ServerOptionsFromConfig(const core::Config& config,
                                                      std::string service_name);

// The process's gRPC server(s): the internal port with the service's public API, and optionally the
// partner port with the partner API behind mutual TLS; on both: gRPC health (NOT_SERVING until
// readiness_check passes), reflection, metrics and access-log interceptors, message size limits.
// Shutdown() drains: health turns NOT_SERVING, new calls are refused, in-flight calls get
// drain_timeout to finish.
class Server {
 public:
  Server(ServerOptions options, metrics::Metrics& metrics);
  ~Server();

  void AddService(grpc::Service* service) { services_.push_back(service); }
  void AddPartnerService(grpc::Service* service) { partner_services_.push_back(service); }

  absl::Status Start();
  // Blocks until SIGTERM/SIGINT, then drains (BlockTerminationSignals must have been called).
  void RunUntilSignal();
  void Shutdown();

  int port() const { return port_; }
  int partner_port() const { return partner_port_; }
  bool serving() const { return serving_.load(); }

 private:
  void SetServing(bool serving);
  void ReadinessLoop();

  ServerOptions options_;
  metrics::Metrics& metrics_;
  std::vector<grpc::Service*> services_;
  std::vector<grpc::Service*> partner_services_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<grpc::Server> partner_server_;
  std::unique_ptr<prometheus::Exposer> exposer_;
  int port_ = 0;
  int partner_port_ = 0;
  std::atomic<bool> serving_{false};
  std::atomic<bool> stopping_{false};
  std::thread readiness_thread_;
};

}  // namespace zp::rpc
