// zp-gateway: HTTPS/JSON in front of every gRPC service. Wiring only; see src/gateway.h.
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <iostream>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "gateway/src/gateway.h"
#include "gateway/src/http_server.h"
#include "gateway/src/linked_services.h"
#include "gateway/src/openapi.h"
#include "google/protobuf/descriptor.h"
#include "prometheus/exposer.h"
#include "zp/core/config.h"
#include "zp/log/log.h"
#include "zp/metrics/metrics.h"
#include "zp/rpc/signals.h"

namespace {

std::vector<zp::core::Setting> Settings() {
  std::vector<zp::core::Setting> settings = {
      {"https_address", "127.0.0.1:8443", "HTTPS listen address (host:port); empty disables"},
      {"http_address", "127.0.0.1:8080",
       "plain HTTP listen address, for local use; empty disables"},
      {"metrics_address", "127.0.0.1:9100", "Prometheus /metrics listen address; empty disables"},
      {"tls_cert", ".run/tls/server.crt", "HTTPS certificate chain (PEM)"},
      {"tls_key", ".run/tls/server.key", "HTTPS private key (PEM)"},
      {"upstreams", "",
       "comma-separated service=host:port, e.g. zp.sgec.v1.CivilRegistry=127.0.0.1:50101"},
      {"io_threads", "0", "I/O threads; 0: one per core"},
      {"upstream_connections", "2", "HTTP/2 connections to each upstream, used in turn"},
      {"body_limit", "1048576", "largest request body in bytes (larger: 413)"},
      {"header_limit", "16384", "largest request header block in bytes (larger: 431)"},
      {"header_timeout", "10s", "time allowed for a request's headers"},
      {"body_timeout", "30s", "time allowed for a request's body"},
      {"idle_timeout", "60s", "keep-alive connections idle longer are closed"},
      {"max_connections", "20000", "connections beyond this are refused"},
      {"upstream_timeout", "30s", "deadline of upstream calls"},
      {"cors_origins", "", "comma-separated origins allowed by CORS (* for any)"},
      {"ignore_unknown_fields", "false", "accept unknown JSON fields and query parameters"},
      {"rate_limit", "true", "token-bucket rate limiting in Redis"},
      {"rate_limit_prefix", "zp:rl", "Redis key prefix of the rate-limit buckets"},
      {"user_burst", "120", "requests a principal may burst"},
      {"user_rate", "20", "requests per second a principal regains"},
      {"anonymous_burst", "30", "requests an anonymous client IP may burst"},
      {"anonymous_rate", "2", "requests per second an anonymous client IP regains"},
      {"redis_address", "127.0.0.1:56379", "Redis host:port"},
      {"drain_timeout", "10s", "time in-flight requests get after SIGTERM"},
      {"log_level", "info", "trace, debug, info, warn or error"},
  };
  for (zp::core::Setting& s : zp::auth::JwtSettings()) settings.push_back(std::move(s));
  return settings;
}

int Fail(const std::string& what) {
  std::cerr << "zp-gateway: " << what << "\n";
  return 1;
}

std::pair<std::string, int> HostPort(const std::string& address) {
  size_t colon = address.rfind(':');
  int port = 0;
  (void)absl::SimpleAtoi(address.substr(colon + 1), &port);
  return {address.substr(0, colon), port};
}

}  // namespace

int main(int argc, char** argv) {
  zp::rpc::BlockTerminationSignals();
  // Debian's Abseil checks every Mutex acquisition for lock-order cycles (a debug aid that costs a
  // global graph update per lock); the gateway takes several locks per request.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  auto config = zp::core::Config::Parse(Settings(), argc, argv);
  if (!config.ok()) {
    return Fail(std::string(config.status().message()));
  }
  if (config->help_requested()) {
    std::cout << "usage: zp-gateway [flags]\n" << config->Usage();
    return 0;
  }
  zp::log::Init("gateway", config->String("log_level"));
  auto duration = [&](const char* name) {
    return config->Duration(name).value_or(absl::Seconds(10));
  };
  auto integer = [&](const char* name) { return config->Int(name).value_or(0); };

  zp::metrics::Metrics metrics("gateway");
  std::unique_ptr<prometheus::Exposer> exposer;
  if (!config->String("metrics_address").empty()) {
    auto exposed = zp::metrics::Expose(config->String("metrics_address"), metrics);
    if (!exposed.ok()) {
      return Fail(std::string(exposed.status().message()));
    }
    exposer = *std::move(exposed);
  }

  int threads = static_cast<int>(integer("io_threads"));
  if (threads <= 0) {
    threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  }
  zp::gateway::Upstreams upstreams(&metrics, static_cast<int>(integer("upstream_connections")),
                                   threads);
  std::vector<const google::protobuf::ServiceDescriptor*> services;
  for (absl::string_view entry :
       absl::StrSplit(config->String("upstreams"), ',', absl::SkipEmpty())) {
    std::vector<std::string> kv = absl::StrSplit(entry, absl::MaxSplits('=', 1));
    const google::protobuf::ServiceDescriptor* service = nullptr;
    for (const auto* linked : zp::gateway::LinkedServices()) {
      if (kv.size() == 2 && linked->full_name() == kv[0]) {
        service = linked;
      }
    }
    if (service == nullptr) {
      return Fail("unknown upstream service in \"" + std::string(entry) +
                  "\" (expected full.proto.Service=host:port, of a service linked in)");
    }
    upstreams.Add(kv[0], kv[1]);
    services.push_back(service);
  }
  auto routes = zp::gateway::RouteTable::Build(services);
  if (!routes.ok()) {
    return Fail(std::string(routes.status().message()));
  }
  auto comments = zp::gateway::ProtoComments::Embedded();
  if (!comments.ok()) {
    return Fail(std::string(comments.status().message()));
  }
  std::string openapi = zp::gateway::OpenApiDocument(**routes, *comments);

  auto jwt_options = zp::auth::JwtOptionsFromConfig(*config);
  if (!jwt_options.ok()) {
    return Fail(std::string(jwt_options.status().message()));
  }
  auto verifier = zp::auth::JwtVerifier::FromJwksFile(config->String("jwks_file"), *jwt_options);
  if (!verifier.ok()) {
    return Fail(std::string(verifier.status().message()));
  }
  zp::redis::Pool redis(zp::redis::OptionsForRequests(config->String("redis_address")));

  zp::gateway::GatewayOptions options;
  options.transcode.ignore_unknown_fields = config->Bool("ignore_unknown_fields").value_or(false);
  options.upstream_timeout = duration("upstream_timeout");
  options.cors_origins = absl::StrSplit(config->String("cors_origins"), ',', absl::SkipEmpty());
  options.rate_limit = config->Bool("rate_limit").value_or(true);
  options.rate_limit_prefix = config->String("rate_limit_prefix");
  auto rate = [&](const char* name) {
    double v = 0;
    return absl::SimpleAtod(config->String(name), &v) && v > 0 ? v : 1.0;
  };
  options.user_limit = {integer("user_burst"), rate("user_rate")};
  options.anonymous_limit = {integer("anonymous_burst"), rate("anonymous_rate")};
  zp::gateway::Gateway gateway(options, *std::move(routes), upstreams, verifier->get(), &redis,
                               metrics);
  gateway.set_openapi(openapi);
  auto messages = zp::gateway::Messages::Embedded();
  if (!messages.ok()) {
    return Fail(std::string(messages.status().message()));
  }
  gateway.set_messages(*std::move(messages));

  zp::gateway::ServerLimits limits;
  limits.body_limit = static_cast<size_t>(integer("body_limit"));
  limits.header_limit = static_cast<size_t>(integer("header_limit"));
  limits.header_timeout = duration("header_timeout");
  limits.body_timeout = duration("body_timeout");
  limits.idle_timeout = duration("idle_timeout");
  limits.max_connections = static_cast<int>(integer("max_connections"));

  zp::gateway::IoPool io(threads);
  auto handler = [&gateway](zp::gateway::IncomingRequest r,
                            std::shared_ptr<zp::gateway::Exchange> e) {
    gateway.Handle(std::move(r), std::move(e));
  };
  auto errors = [&gateway](int status, const std::string& message,
                           const zp::gateway::Request* request) {
    return gateway.ErrorResponse(status, message, request);
  };
  std::vector<std::unique_ptr<zp::gateway::HttpServer>> servers;
  std::unique_ptr<boost::asio::ssl::context> tls;
  if (!config->String("https_address").empty()) {
    auto ctx =
        zp::gateway::MakeServerTlsContext(config->String("tls_cert"), config->String("tls_key"));
    if (!ctx.ok()) {
      return Fail(std::string(ctx.status().message()));
    }
    tls = *std::move(ctx);
    auto [host, port] = HostPort(config->String("https_address"));
    servers.push_back(
        std::make_unique<zp::gateway::HttpServer>(io, tls.get(), limits, handler, errors));
    if (auto s = servers.back()->Listen(host, port); !s.ok()) {
      return Fail(std::string(s.message()));
    }
    spdlog::info("gateway: HTTPS on {}:{}", host, servers.back()->port());
  }
  if (!config->String("http_address").empty()) {
    auto [host, port] = HostPort(config->String("http_address"));
    servers.push_back(
        std::make_unique<zp::gateway::HttpServer>(io, nullptr, limits, handler, errors));
    if (auto s = servers.back()->Listen(host, port); !s.ok()) {
      return Fail(std::string(s.message()));
    }
    spdlog::info("gateway: HTTP on {}:{}", host, servers.back()->port());
  }
  spdlog::info("gateway: {} routes to {} upstreams", gateway.routes().routes().size(),
               upstreams.services().size());

  io.Start();
  int sig = zp::rpc::WaitForTerminationSignal();
  spdlog::info("gateway: signal {}, draining", sig);
  for (auto& s : servers) {
    s->Stop();
  }
  const absl::Time until = absl::Now() + duration("drain_timeout");
  auto busy = [&] {
    int n = 0;
    for (auto& s : servers) {
      n += s->connections();
    }
    return n;
  };
  while (busy() > 0 && absl::Now() < until) {
    absl::SleepFor(absl::Milliseconds(50));
  }
  io.Stop();
  upstreams.Shutdown();  // calls still in flight end before the gateway they report to
  return 0;
}
