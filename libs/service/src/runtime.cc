#include "zp/service/runtime.h"

#include <iostream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "zp/audit/audit.h"
#include "zp/core/files.h"
#include "zp/core/status.h"
#include "zp/events/event.h"
#include "zp/log/log.h"
#include "zp/pg/idempotency.h"
#include "zp/rpc/server.h"
#include "zp/rpc/signals.h"

namespace zp::service {

absl::StatusOr<std::vector<pg::Migration>> ServiceMigrations(
    const std::string& service, const std::vector<core::EmbeddedFile>& own,
    const std::vector<std::vector<pg::Migration>>& libraries) {
  std::vector<pg::Migration> all = events::Migrations();
  for (auto& m : pg::IdempotencyMigrations()) all.push_back(m);
  for (auto& m : audit::Migrations()) all.push_back(m);
  for (const auto& library : libraries) all.insert(all.end(), library.begin(), library.end());
  ASSIGN_OR_RETURN(std::vector<pg::Migration> files, pg::MigrationsFromFiles(service, own));
  all.insert(all.end(), files.begin(), files.end());
  return all;
}

absl::StatusOr<std::unique_ptr<Runtime>> Runtime::Start(ServiceSpec spec, int argc,
                                                        const char* const* argv, bool* help) {
  std::unique_ptr<Runtime> rt(new Runtime());
  ASSIGN_OR_RETURN(rt->entry_, FindService(spec.name));
  std::vector<core::Setting> settings = rpc::CommonSettings(
      rt->entry_.grpc_port(), rt->entry_.partner_port(), rt->entry_.metrics_port());
  settings.push_back({"pg_database", absl::StrCat("zp_", spec.name), "the service's database"});
  settings.push_back({"pg_create_database", "true", "create the database at start if missing"});
  settings.push_back(
      {"topic", events::TopicFor(spec.name), "the Kafka topic of the service's events"});
  settings.insert(settings.end(), spec.settings.begin(), spec.settings.end());
  ASSIGN_OR_RETURN(core::Config config, core::Config::Parse(settings, argc, argv));
  rt->config_ = std::make_unique<core::Config>(std::move(config));
  rt->spec_ = std::move(spec);
  *help = rt->config_->help_requested();
  if (*help) {
    std::cout << "usage: zp-" << rt->spec_.name << " [flags]\n" << rt->config_->Usage();
    return rt;
  }
  const core::Config& c = *rt->config_;
  log::Init(rt->spec_.name, c.String("log_level"));

  const std::string pg_url = c.String("pg_url");
  const std::string database = c.String("pg_database");
  ASSIGN_OR_RETURN(bool create, c.Bool("pg_create_database"));
  if (create) RETURN_IF_ERROR(pg::EnsureDatabase(pg_url, database));
  rt->metrics_ = std::make_unique<metrics::Metrics>(rt->spec_.name);
  pg::PoolOptions pool_options;
  pool_options.conninfo = pg_url;
  pool_options.overrides = {{"dbname", database}};
  ASSIGN_OR_RETURN(int64_t pool_size, c.Int("pg_pool_size"));
  pool_options.size = static_cast<int>(pool_size);
  pool_options.in_use_gauge = &rt->metrics_->db_pool_in_use();
  rt->pool_ = std::make_unique<pg::Pool>(pool_options);
  if (rt->spec_.migrations == nullptr) {
    return absl::InvalidArgumentError("the service names no migrations");
  }
  ASSIGN_OR_RETURN(std::vector<pg::Migration> migrations, rt->spec_.migrations());
  {
    ASSIGN_OR_RETURN(pg::PooledConnection conn, rt->pool_->Acquire());
    RETURN_IF_ERROR(pg::ApplyMigrations(*conn, migrations).status());
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
  relay.service = rt->spec_.name;
  rt->relay_ = std::make_unique<events::OutboxRelay>(relay);
  rt->relay_->Start();
  return rt;
}

Runtime::~Runtime() {
  StopJobs();
  if (relay_ != nullptr) relay_->Stop();
}

void Runtime::Consume(std::string topic, std::string group, events::Consumer::Handler handler) {
  events::ConsumerOptions options;
  options.bootstrap_servers = bootstrap_;
  options.group_id = std::move(group);
  options.topics = {std::move(topic)};
  options.registry = metrics_->registry();
  options.service = spec_.name;
  consumers_.push_back(std::make_unique<events::Consumer>(options, *pool_, std::move(handler)));
}

PeriodicJob& Runtime::Every(std::string name, absl::Duration interval,
                            std::function<absl::Status()> job) {
  jobs_.push_back(std::make_unique<PeriodicJob>(
      *pool_, absl::StrCat("zp.job.", spec_.name, ".", name), interval, std::move(job)));
  return *jobs_.back();
}

void Runtime::StopJobs() {
  for (auto& job : jobs_) job->Stop();
  for (auto& c : consumers_) c->Stop();
}

absl::Status Runtime::Serve(const std::vector<grpc::Service*>& services,
                            const std::vector<grpc::Service*>& partner_services) {
  ASSIGN_OR_RETURN(rpc::ServerOptions options, rpc::ServerOptionsFromConfig(*config_, spec_.name));
  options.readiness_check = [this] { return pool_->Ping(); };
  for (auto& c : consumers_) RETURN_IF_ERROR(c->Start());
  for (auto& job : jobs_) job->Start();
  rpc::Server server(options, *metrics_);
  for (grpc::Service* s : services) server.AddService(s);
  for (grpc::Service* s : partner_services) server.AddPartnerService(s);
  absl::Status started = server.Start();
  if (started.ok()) server.RunUntilSignal();
  StopJobs();
  relay_->Stop();
  if (!started.ok())
    return absl::Status(started.code(), absl::StrCat("server: ", started.message()));
  return absl::OkStatus();
}

int Main(int argc, char** argv, ServiceSpec spec,
         const std::function<absl::Status(Runtime&)>& wire) {
  rpc::BlockTerminationSignals();
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  const std::string name = spec.name;
  bool help = false;
  absl::StatusOr<std::unique_ptr<Runtime>> rt = Runtime::Start(std::move(spec), argc, argv, &help);
  absl::Status s = rt.status();
  if (s.ok() && !help) s = wire(**rt);
  if (!s.ok()) {
    std::cerr << "zp-" << name << ": " << s.message() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace zp::service
