#include "zp/service/runtime.h"

#include <iostream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "zp/audit/audit.h"
#include "zp/core/files.h"
#include "zp/pg/idempotency.h"
#include "zp/core/status.h"
#include "zp/events/event.h"
#include "zp/log/log.h"
#include "zp/rpc/server.h"

namespace zp::service {

std::vector<pg::Migration> ServiceMigrations(const std::string& component,
                                             const std::vector<core::EmbeddedFile>& own) {
  std::vector<pg::Migration> all = events::Migrations();
  for (auto& m : pg::IdempotencyMigrations()) all.push_back(m);
  for (auto& m : audit::Migrations()) all.push_back(m);
  auto files = pg::MigrationsFromFiles(component, own);
  if (files.ok()) {
    for (auto& m : *files) all.push_back(m);
  }
  return all;
}

absl::StatusOr<std::unique_ptr<Runtime>> Runtime::Start(ServiceSpec spec, int argc,
                                                        const char* const* argv, bool* help) {
  std::unique_ptr<Runtime> rt(new Runtime());
  std::vector<core::Setting> settings =
      rpc::CommonSettings(spec.grpc_port, spec.partner_port, spec.metrics_port);
  settings.push_back({"pg_database", absl::StrCat("zp_", spec.name), "the service's database"});
  settings.push_back({"pg_create_database", "true", "create the database at start if missing"});
  settings.insert(settings.end(), spec.settings.begin(), spec.settings.end());
  ASSIGN_OR_RETURN(core::Config config, core::Config::Parse(settings, argc, argv));
  rt->config_ = std::make_unique<core::Config>(std::move(config));
  *help = rt->config_->help_requested();
  if (*help) {
    std::cout << rt->config_->Usage();
    return rt;
  }
  const core::Config& c = *rt->config_;
  log::Init(spec.name, c.String("log_level"));

  const std::string pg_url = c.String("pg_url");
  const std::string database = c.String("pg_database");
  ASSIGN_OR_RETURN(bool create, c.Bool("pg_create_database"));
  if (create) RETURN_IF_ERROR(pg::EnsureDatabase(pg_url, database));
  rt->metrics_ = std::make_unique<metrics::Metrics>(spec.name);
  pg::PoolOptions pool_options;
  pool_options.conninfo = pg_url;
  pool_options.overrides = {{"dbname", database}};
  ASSIGN_OR_RETURN(int64_t pool_size, c.Int("pg_pool_size"));
  pool_options.size = static_cast<int>(pool_size);
  pool_options.in_use_gauge = &rt->metrics_->db_pool_in_use();
  rt->pool_ = std::make_unique<pg::Pool>(pool_options);
  {
    ASSIGN_OR_RETURN(pg::PooledConnection conn, rt->pool_->Acquire());
    RETURN_IF_ERROR(pg::ApplyMigrations(*conn, spec.migrations).status());
  }
  ASSIGN_OR_RETURN(rt->referential_, territory::Referential::LoadEmbedded());

  ASSIGN_OR_RETURN(auth::JwtOptions jwt, auth::JwtOptionsFromConfig(c));
  ASSIGN_OR_RETURN(rt->verifier_, auth::JwtVerifier::FromJwksFile(c.String("jwks_file"), jwt));

  std::string bootstrap = c.String("kafka_bootstrap");
  if (bootstrap.empty()) {
    ASSIGN_OR_RETURN(std::string from_file, core::ReadFile(c.String("kafka_bootstrap_file")));
    bootstrap = std::string(absl::StripAsciiWhitespace(from_file));
  }
  rt->bootstrap_ = bootstrap;
  rt->notifier_ = std::make_unique<events::OutboxNotifier>(pg_url, pool_options.overrides);
  events::RelayOptions relay;
  relay.conninfo = pg_url;
  relay.overrides = pool_options.overrides;
  relay.bootstrap_servers = bootstrap;
  relay.registry = rt->metrics_->registry();
  relay.service = spec.name;
  rt->relay_ = std::make_unique<events::OutboxRelay>(relay);
  rt->relay_->Start();
  rt->spec_ = std::move(spec);
  return rt;
}

Runtime::~Runtime() {
  if (relay_ != nullptr) relay_->Stop();
}

int Runtime::Serve(const std::vector<grpc::Service*>& services,
                   const std::vector<grpc::Service*>& partner_services) {
  auto options = rpc::ServerOptionsFromConfig(*config_, spec_.name);
  if (!options.ok()) {
    std::cerr << "zp-" << spec_.name << ": " << options.status().message() << "\n";
    return 1;
  }
  options->readiness_check = [this] { return pool_->Ping(); };
  rpc::Server server(*options, *metrics_);
  for (grpc::Service* s : services) server.AddService(s);
  for (grpc::Service* s : partner_services) server.AddPartnerService(s);
  if (absl::Status s = server.Start(); !s.ok()) {
    std::cerr << "zp-" << spec_.name << ": server: " << s.message() << "\n";
    return 1;
  }
  server.RunUntilSignal();
  relay_->Stop();
  return 0;
}

}  // namespace zp::service
