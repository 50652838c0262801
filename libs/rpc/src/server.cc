#include "zp/rpc/server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server_builder.h>

#include "absl/strings/str_cat.h"
#include "prometheus/exposer.h"
#include "zp/auth/jwt.h"
#include "zp/core/status.h"
#include "zp/log/log.h"
#include "zp/metrics/interceptors.h"
#include "zp/rpc/access_log.h"
#include "zp/rpc/signals.h"

namespace zp::rpc {

std::vector<core::Setting> CommonSettings(int grpc_port, int partner_port, int metrics_port) {
  std::vector<core::Setting> settings = {
      {"grpc_address", absl::StrCat("127.0.0.1:", grpc_port), "internal gRPC listen address"},
      {"partner_address", absl::StrCat("127.0.0.1:", partner_port),
       "partner gRPC (mutual TLS) listen address; empty disables the port"},
      {"partner_cert", ".run/tls/server.crt", "partner port: server certificate (PEM)"},
      {"partner_key", ".run/tls/server.key", "partner port: server private key (PEM)"},
      {"partner_ca", ".run/tls/partners-ca.crt", "partner port: CA of partner client certificates"},
      {"metrics_address", absl::StrCat("127.0.0.1:", metrics_port),
       "Prometheus /metrics listen address; empty disables it"},
      {"drain_timeout", "10s", "time given to in-flight calls after SIGTERM"},
      {"max_message_bytes", "4194304", "largest gRPC message accepted"},
      {"log_level", "info", "trace, debug, info, warn or error"},
      {"pg_url", "postgresql://zp@127.0.0.1:55432/postgres", "PostgreSQL server (libpq URL)"},
      {"pg_pool_size", "8", "database connections per process"},
      {"redis_address", "127.0.0.1:56379", "Redis server host:port"},
      {"kafka_bootstrap", "", "Kafka bootstrap servers; empty: read kafka_bootstrap_file"},
      {"kafka_bootstrap_file", ".run/kafka.bootstrap", "file holding the bootstrap servers"},
  };
  for (core::Setting& s : auth::JwtSettings()) settings.push_back(std::move(s));
  return settings;
}

absl::StatusOr<ServerOptions> ServerOptionsFromConfig(const core::Config& config,
                                                      std::string service_name) {
  ServerOptions options;
  options.service_name = std::move(service_name);
  options.listen_address = config.String("grpc_address");
  options.partner_address = config.String("partner_address");
  options.partner_tls = {config.String("partner_cert"), config.String("partner_key"),
                         config.String("partner_ca")};
  options.metrics_address = config.String("metrics_address");
  ASSIGN_OR_RETURN(options.drain_timeout, config.Duration("drain_timeout"));
  ASSIGN_OR_RETURN(int64_t max_bytes, config.Int("max_message_bytes"));
  options.max_message_bytes = static_cast<int>(max_bytes);
  return options;
}

Server::Server(ServerOptions options, metrics::Metrics& metrics)
    : options_(std::move(options)), metrics_(metrics) {}

Server::~Server() { Shutdown(); }

absl::Status Server::Start() {
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  auto configure = [this](grpc::ServerBuilder& builder) {
    builder.SetMaxReceiveMessageSize(options_.max_message_bytes);
    builder.SetMaxSendMessageSize(options_.max_message_bytes);
    std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> factories;
    factories.push_back(std::make_unique<metrics::ServerMetricsInterceptorFactory>(metrics_));
    factories.push_back(std::make_unique<AccessLogInterceptorFactory>());
    builder.experimental().SetInterceptorCreators(std::move(factories));
  };

  grpc::ServerBuilder builder;
  configure(builder);
  std::shared_ptr<grpc::ServerCredentials> credentials = grpc::InsecureServerCredentials();
  if (!options_.internal_tls.cert_file.empty()) {
    ASSIGN_OR_RETURN(credentials, TlsServerCredentials(options_.internal_tls));
  }
  builder.AddListeningPort(options_.listen_address, credentials, &port_);
  for (grpc::Service* s : services_) {
    builder.RegisterService(s);
  }
  server_ = builder.BuildAndStart();
  if (server_ == nullptr || port_ == 0) {
    return absl::UnavailableError(
        absl::StrCat(options_.service_name, ": cannot listen on ", options_.listen_address));
  }

  if (!options_.partner_address.empty()) {
    ASSIGN_OR_RETURN(std::shared_ptr<grpc::ServerCredentials> mtls,
                     MutualTlsServerCredentials(options_.partner_tls));
    grpc::ServerBuilder partner_builder;
    configure(partner_builder);
    partner_builder.AddListeningPort(options_.partner_address, mtls, &partner_port_);
    for (grpc::Service* s : partner_services_) {
      partner_builder.RegisterService(s);
    }
    partner_server_ = partner_builder.BuildAndStart();
    if (partner_server_ == nullptr || partner_port_ == 0) {
      return absl::UnavailableError(absl::StrCat(
          options_.service_name, ": cannot listen on partner address ", options_.partner_address));
    }
  }

  if (!options_.metrics_address.empty()) {
    ASSIGN_OR_RETURN(exposer_, metrics::Expose(options_.metrics_address, metrics_));
  }
  SetServing(false);
  readiness_thread_ = std::thread([this] { ReadinessLoop(); });
  spdlog::info("{} listening on {} (port {}){}", options_.service_name, options_.listen_address,
               port_, partner_port_ != 0 ? absl::StrCat(", partners on port ", partner_port_) : "");
  return absl::OkStatus();
}

void Server::SetServing(bool serving) {
  if (serving_.exchange(serving) == serving && serving) {
    return;
  }
  for (grpc::Server* s : {server_.get(), partner_server_.get()}) {
    if (s != nullptr && s->GetHealthCheckService() != nullptr) {
      s->GetHealthCheckService()->SetServingStatus(serving);
    }
  }
}

void Server::ReadinessLoop() {
  while (!stopping_) {
    bool ready = !options_.readiness_check || options_.readiness_check().ok();
    if (ready != serving_.load()) {
      spdlog::info("{} is {}", options_.service_name, ready ? "SERVING" : "NOT_SERVING");
    }
    SetServing(ready);
    absl::Time until = absl::Now() + options_.readiness_interval;
    while (!stopping_ && absl::Now() < until) {
      absl::SleepFor(absl::Milliseconds(50));
    }
  }
}

void Server::RunUntilSignal() {
  int sig = WaitForTerminationSignal();
  spdlog::info("{}: signal {}, draining for up to {}", options_.service_name, sig,
               absl::FormatDuration(options_.drain_timeout));
  Shutdown();
}

void Server::Shutdown() {
  if (stopping_.exchange(true)) {
    return;
  }
  if (readiness_thread_.joinable()) {
    readiness_thread_.join();
  }
  SetServing(false);
  auto deadline = absl::ToChronoTime(absl::Now() + options_.drain_timeout);
  if (partner_server_ != nullptr) {
    partner_server_->Shutdown(deadline);
  }
  if (server_ != nullptr) {
    server_->Shutdown(deadline);
  }
  exposer_.reset();
}

}  // namespace zp::rpc
