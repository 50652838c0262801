// zp-watiqa: online orders of civil-status documents. Wiring only; the rules live in src/.
#include <grpcpp/create_channel.h>

#include <iostream>

#include "absl/strings/ascii.h"
#include "absl/synchronization/mutex.h"
#include "services/watiqa/src/civil_registry.h"
#include "services/watiqa/src/desk.h"
#include "services/watiqa/src/issuer.h"
#include "services/watiqa/src/migrations.h"
#include "services/watiqa/src/tracking_cache.h"
#include "services/watiqa/src/watiqa_service.h"
#include "zp/core/files.h"
#include "zp/events/consumer.h"
#include "zp/log/log.h"
#include "zp/metrics/interceptors.h"
#include "zp/redis/pool.h"
#include "zp/rpc/channel.h"
#include "zp/rpc/signals.h"
#include "zp/service/runtime.h"

namespace {

int Fail(const std::string& what) {
  std::cerr << "zp-watiqa: " << what << "\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  zp::rpc::BlockTerminationSignals();
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  bool help = false;
  auto rt = zp::service::Runtime::Start(
      {"watiqa", 50102, 50202, 9102, zp::watiqa::AllMigrations(),
       {{"topic", "zp.watiqa.v1", "the Kafka topic of the service's events"},
        {"sgec_address", "127.0.0.1:50101", "SGEC's gRPC address (entitlement checks, issuance)"},
        {"service_key_file", ".run/jwt/services/watiqa.pem",
         "the service's own token key (PEM); its key id is in <file>.kid, its public half in the "
         "JWKS"},
        {"tariff", zp::watiqa::kDefaultTariff, "fee per copy, centimes of MAD, per kind and destination"},
        {"payment_url", "https://paiement.tgr.gov.ma/watiqa", "the TGR's payment page"},
        {"tracking_cache", "true", "serve public tracking from Redis (false: from the database)"},
        {"tracking_cache_ttl", "10m", "how long a tracking answer may stay in Redis"},
        {"cache_group", "watiqa-tracking-cache",
         "Kafka consumer group that invalidates the tracking cache"},
        {"issue_poll_interval", "1s", "how often the issuance saga looks for due orders"},
        {"issue_backoff_cap", "5m", "longest wait between two issuance attempts"}}},
      argc, argv, &help);
  if (!rt.ok()) return Fail(std::string(rt.status().message()));
  if (help) return 0;
  const zp::core::Config& config = (*rt)->config();
  auto tariff = zp::watiqa::Tariff::Parse(config.String("tariff"));
  if (!tariff.ok()) return Fail(std::string(tariff.status().message()));
  auto ttl = config.Duration("tracking_cache_ttl");
  auto poll = config.Duration("issue_poll_interval");
  auto cap = config.Duration("issue_backoff_cap");
  for (const auto* d : {&ttl, &poll, &cap}) {
    if (!d->ok()) return Fail(std::string(d->status().message()));
  }
  const zp::core::Clock& clock = zp::core::SystemClock::Instance();
  auto token = zp::service::ServiceToken::FromKeyFile(config.String("service_key_file"), "watiqa",
                                                      clock);
  if (!token.ok()) return Fail(std::string(token.status().message()));
  // SGEC's calls counted and timed like every gRPC client's (zp_grpc_client_*).
  std::vector<std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(
      std::make_unique<zp::metrics::ClientMetricsInterceptorFactory>((*rt)->metrics()));
  zp::watiqa::GrpcCivilRegistry sgec(
      grpc::experimental::CreateCustomChannelWithInterceptors(
          config.String("sgec_address"), grpc::InsecureChannelCredentials(),
          zp::rpc::ServiceChannelArguments(), std::move(interceptors)),
      **token);
  zp::redis::Options redis_options = zp::redis::OptionsForAddress(config.String("redis_address"));
  redis_options.connect_timeout = absl::Milliseconds(200);
  redis_options.command_timeout = absl::Milliseconds(200);
  zp::redis::Pool redis(redis_options);
  const bool cached = config.Bool("tracking_cache").value_or(true);
  zp::watiqa::TrackingCache cache(cached ? &redis : nullptr, *ttl);
  cache.ExportTo(*(*rt)->metrics().registry());

  const std::string topic = config.String("topic");
  zp::watiqa::OrderStore store(clock, &(*rt)->notifier(), topic);
  zp::watiqa::IssuerOptions issuer_options;
  issuer_options.poll_interval = *poll;
  issuer_options.backoff_cap = *cap;
  zp::watiqa::Issuer issuer((*rt)->pool(), store, sgec, clock, issuer_options);
  issuer.ExportTo(*(*rt)->metrics().registry());
  zp::watiqa::DeskOptions desk_options{*tariff, config.String("payment_url")};
  zp::watiqa::Desk desk((*rt)->pool(), (*rt)->referential(), clock, store, sgec, cache,
                        desk_options, [&issuer] { issuer.Wake(); });

  // The tracking cache follows the orders' own events (one replica at a time per partition).
  std::unique_ptr<zp::events::Consumer> invalidator;
  if (cache.enabled()) {
    zp::events::ConsumerOptions options;
    options.bootstrap_servers = (*rt)->kafka_bootstrap();
    options.group_id = config.String("cache_group");
    options.topics = {topic};
    options.registry = (*rt)->metrics().registry();
    options.service = "watiqa";
    invalidator = std::make_unique<zp::events::Consumer>(
        options, (*rt)->pool(),
        [&cache](zp::pg::Transaction&, const zp::events::v1::Event& e) {
          return cache.Apply(e);
        });
    if (auto s = invalidator->Start(); !s.ok()) {
      return Fail("tracking cache consumer: " + std::string(s.message()));
    }
  }
  issuer.Start();
  zp::watiqa::OrdersService orders(desk, (*rt)->verifier());
  zp::watiqa::TgrPaymentsService tgr(desk);
  zp::watiqa::BaridDeliveryService barid(desk);
  int code = (*rt)->Serve({&orders}, {&tgr, &barid});
  issuer.Stop();
  if (invalidator != nullptr) invalidator->Stop();
  return code;
}
