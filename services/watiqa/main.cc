// zp-watiqa: online orders of civil-status documents. Wiring only; the rules live in src/.
#include "services/watiqa/src/civil_registry.h"
#include "services/watiqa/src/desk.h"
#include "services/watiqa/src/issuer.h"
#include "services/watiqa/src/pg_order_store.h"
#include "services/watiqa/src/watiqa_service.h"
#include "zp/redis/pool.h"
#include "zp/rpc/channel.h"
#include "zp/service/runtime.h"
#include "zp/watiqa/migrations.h"

int main(int argc, char** argv) {
  using zp::watiqa::kDefaultTariff;
  return zp::service::Main(
      argc, argv,
      {"watiqa",
       zp::watiqa::Migrations,
       {{"sgec_address", "127.0.0.1:50101", "SGEC's gRPC address (entitlement checks, issuance)"},
        {"service_key_file", ".run/jwt/services/watiqa.pem",
         "the service's own token key (PEM); its kid in <file>.kid, its public half in the JWKS"},
        {"tariff", kDefaultTariff, "fee per copy, centimes of MAD, per kind and destination"},
        {"payment_url", "https://paiement.tgr.gov.ma/watiqa", "the TGR's payment page"},
        {"tracking_cache", "true", "serve public tracking from Redis (false: from the database)"},
        {"tracking_cache_ttl", "10m", "how long a tracking answer may stay in Redis"},
        {"cache_group", "watiqa-tracking-cache", "consumer group that invalidates the cache"},
        {"issue_poll_interval", "1s", "how often the issuance saga looks for due orders"},
        {"issue_backoff_cap", "5m", "longest wait between two issuance attempts"}}},
      [](zp::service::Runtime& rt) -> absl::Status {
        const zp::core::Config& config = rt.config();
        const zp::core::Clock& clock = zp::core::SystemClock::Instance();
        ASSIGN_OR_RETURN(auto tariff, zp::watiqa::Tariff::Parse(config.String("tariff")));
        ASSIGN_OR_RETURN(absl::Duration ttl, config.Duration("tracking_cache_ttl"));
        ASSIGN_OR_RETURN(absl::Duration poll, config.Duration("issue_poll_interval"));
        ASSIGN_OR_RETURN(absl::Duration cap, config.Duration("issue_backoff_cap"));
        ASSIGN_OR_RETURN(bool cached, config.Bool("tracking_cache"));
        ASSIGN_OR_RETURN(auto token, zp::service::ServiceToken::FromKeyFile(
                                         config.String("service_key_file"), "watiqa", clock));
        zp::watiqa::GrpcCivilRegistry sgec(
            zp::rpc::ServiceChannel(config.String("sgec_address"), rt.metrics()), *token);
        zp::redis::Pool redis(zp::redis::OptionsForRequests(config.String("redis_address")));
        zp::watiqa::TrackingCache cache(cached ? &redis : nullptr, ttl);
        cache.ExportTo(*rt.metrics().registry());
        zp::watiqa::PgOrderStore store(rt.pool(), clock, &rt.notifier(), rt.topic());
        zp::watiqa::Issuer issuer(store, sgec, clock, {.backoff_cap = cap});
        issuer.ExportTo(*rt.metrics().registry());
        auto& issuance = rt.Every("issuance", poll, [&] { return issuer.RunOnce().status(); });
        zp::watiqa::Desk desk(store, rt.referential(), clock, sgec, cache,
                              {tariff, config.String("payment_url")}, [&] { issuance.Wake(); });
        // The tracking cache follows the orders' own events (one replica per partition).
        if (cache.enabled()) {
          rt.Consume(rt.topic(), config.String("cache_group"),
                     [&cache](zp::pg::Transaction&, const zp::events::v1::Event& e) {
                       return cache.Apply(e);
                     });
        }
        zp::watiqa::OrdersService orders(desk, rt.verifier());
        zp::watiqa::TgrPaymentsService tgr(desk);
        zp::watiqa::BaridDeliveryService barid(desk);
        return rt.Serve({&orders}, {&tgr, &barid});
      });
}
