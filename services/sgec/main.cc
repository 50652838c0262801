// zp-sgec: the civil registry service. Wiring only; the rules live in src/.
#include <iostream>

#include "absl/strings/ascii.h"
#include "absl/synchronization/mutex.h"
#include "services/sgec/src/migrations.h"
#include "services/sgec/src/registry.h"
#include "services/sgec/src/sgec_service.h"
#include "zp/core/config.h"
#include "zp/core/files.h"
#include "zp/events/relay.h"
#include "zp/log/log.h"
#include "zp/metrics/metrics.h"
#include "zp/pg/migrations.h"
#include "zp/pg/pool.h"
#include "zp/rpc/server.h"
#include "zp/rpc/signals.h"
#include "zp/territory/referential.h"

namespace {

int Fail(const std::string& what, const absl::Status& status) {
  std::cerr << "zp-sgec: " << what << ": " << status.message() << "\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  zp::rpc::BlockTerminationSignals();
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);

  std::vector<zp::core::Setting> settings = zp::rpc::CommonSettings(50101, 50201, 9101);
  settings.push_back({"pg_database", "zp_sgec", "the service's database"});
  settings.push_back({"pg_create_database", "true", "create the database at start if missing"});
  auto config = zp::core::Config::Parse(settings, argc, argv);
  if (!config.ok()) return Fail("config", config.status());
  if (config->help_requested()) {
    std::cout << config->Usage();
    return 0;
  }
  zp::log::Init("sgec", config->String("log_level"));

  const std::string pg_url = config->String("pg_url");
  const std::string database = config->String("pg_database");
  if (config->Bool("pg_create_database").value_or(false)) {
    if (auto s = zp::pg::EnsureDatabase(pg_url, database); !s.ok()) return Fail("database", s);
  }
  zp::metrics::Metrics metrics("sgec");
  zp::pg::PoolOptions pool_options;
  pool_options.conninfo = pg_url;
  pool_options.overrides = {{"dbname", database}};
  pool_options.size = static_cast<int>(config->Int("pg_pool_size").value_or(8));
  pool_options.in_use_gauge = &metrics.db_pool_in_use();
  zp::pg::Pool pool(pool_options);
  {
    auto conn = pool.Acquire();
    if (!conn.ok()) return Fail("database", conn.status());
    auto applied = zp::pg::ApplyMigrations(**conn, zp::sgec::AllMigrations());
    if (!applied.ok()) return Fail("migrations", applied.status());
  }
  auto referential = zp::territory::Referential::LoadEmbedded();
  if (!referential.ok()) return Fail("territory", referential.status());
  zp::events::OutboxNotifier notifier(pg_url, {{"dbname", database}});
  zp::sgec::Registry registry(pool, *referential, zp::core::SystemClock::Instance(), &notifier);
  if (auto s = registry.SeedBureaus(); !s.ok()) return Fail("bureaus", s);

  zp::auth::JwtOptions jwt;
  jwt.issuer = config->String("jwt_issuer");
  jwt.audience = config->String("jwt_audience");
  auto verifier = zp::auth::JwtVerifier::FromJwksFile(config->String("jwks_file"), jwt);
  if (!verifier.ok()) return Fail("jwks", verifier.status());

  std::string bootstrap = config->String("kafka_bootstrap");
  if (bootstrap.empty()) {
    auto from_file = zp::core::ReadFile(config->String("kafka_bootstrap_file"));
    if (!from_file.ok()) return Fail("kafka bootstrap", from_file.status());
    bootstrap = std::string(absl::StripAsciiWhitespace(*from_file));
  }
  zp::events::RelayOptions relay_options;
  relay_options.conninfo = pg_url;
  relay_options.overrides = {{"dbname", database}};
  relay_options.bootstrap_servers = bootstrap;
  relay_options.registry = metrics.registry();
  relay_options.service = "sgec";
  zp::events::OutboxRelay relay(relay_options);
  relay.Start();

  auto server_options = zp::rpc::ServerOptionsFromConfig(*config, "sgec");
  if (!server_options.ok()) return Fail("config", server_options.status());
  server_options->readiness_check = [&pool] { return pool.Ping(); };
  zp::sgec::CivilRegistryService service(registry, **verifier);
  zp::rpc::Server server(*server_options, metrics);
  server.AddService(&service);
  if (auto s = server.Start(); !s.ok()) return Fail("server", s);
  server.RunUntilSignal();
  relay.Stop();
  return 0;
}
