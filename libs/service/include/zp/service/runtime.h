#pragma once

// What every service's main wires (services/README.md): configuration, logging, its database
// (created when allowed, migrated), the JWT verifier, the outbox relay and its notifier, metrics,
// its jobs (Consume, Every) and the gRPC server until SIGTERM. A main keeps only what is its own:
//
//   int main(int argc, char** argv) {
//     return zp::service::Main(argc, argv, {"chikaya", zp::chikaya::Migrations, {settings...}},
//                              [](zp::service::Runtime& rt) -> absl::Status {
//       ...the service's own objects...
//       rt.Every("deadlines", interval, [&] { return scheduler.RunOnce().status(); });
//       rt.Consume(topic, "chikaya-stats", handler);
//       return rt.Serve({&service});
//     });
//   }

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "zp/auth/jwt.h"
#include "zp/core/config.h"
#include "zp/core/embedded_file.h"
#include "zp/events/consumer.h"
#include "zp/events/outbox.h"
#include "zp/events/relay.h"
#include "zp/metrics/metrics.h"
#include "zp/pg/migrations.h"
#include "zp/pg/pool.h"
#include "zp/service/periodic_job.h"
#include "zp/service/service_table.h"
#include "zp/territory/referential.h"

namespace grpc {
class Service;
}

namespace zp::service {

// A service's migrations, in order: outbox and processed events, idempotency, audit, those of the
// libraries it uses (`libraries`), then its own files (component = the service's name). Each
// service's generated `zp::<svc>::Migrations()` calls it (zp_service_library in CMake).
absl::StatusOr<std::vector<pg::Migration>> ServiceMigrations(
    const std::string& service, const std::vector<core::EmbeddedFile>& own,
    const std::vector<std::vector<pg::Migration>>& libraries = {});

struct ServiceSpec {
  std::string name;  // a row of services/services.tsv: database zp_<name>, topic zp.<name>.v1
  absl::StatusOr<std::vector<pg::Migration>> (*migrations)() = nullptr;
  std::vector<core::Setting> settings;  // the service's own, besides the common ones
};

class Runtime {
 public:
  // Parses flags and env, opens and migrates the database, starts the relay. `help` is set when
  // --help was asked (usage printed).
  static absl::StatusOr<std::unique_ptr<Runtime>> Start(ServiceSpec spec, int argc,
                                                        const char* const* argv, bool* help);
  ~Runtime();

  pg::Pool& pool() { return *pool_; }
  const auth::JwtVerifier& verifier() const { return *verifier_; }
  events::OutboxNotifier& notifier() { return *notifier_; }
  metrics::Metrics& metrics() { return *metrics_; }
  std::shared_ptr<const territory::Referential> referential() const { return referential_; }
  const core::Config& config() const { return *config_; }
  const std::string& kafka_bootstrap() const { return bootstrap_; }
  const std::string& name() const { return spec_.name; }
  // The service's own topic (setting `topic`, default zp.<name>.v1).
  std::string topic() const { return config_->String("topic"); }

  // Applies the events of `topic` to the service's database with `handler`, exactly once each
  // (processed_events), as consumer group `group`: one replica at a time per partition. Runs from
  // Serve until the drain.
  void Consume(std::string topic, std::string group, events::Consumer::Handler handler);
  // Runs `job` every `interval` (or when woken) from Serve until the drain, on one replica at a
  // time (periodic_job.h).
  PeriodicJob& Every(std::string name, absl::Duration interval, std::function<absl::Status()> job);

  // Starts the jobs, serves until SIGTERM or SIGINT, drains, then stops the jobs and the relay.
  absl::Status Serve(const std::vector<grpc::Service*>& services,
                     const std::vector<grpc::Service*>& partner_services = {});

 private:
  Runtime() = default;
  void StopJobs();

  ServiceSpec spec_;
  ServiceEntry entry_;
  std::unique_ptr<core::Config> config_;
  std::unique_ptr<metrics::Metrics> metrics_;
  std::unique_ptr<pg::Pool> pool_;
  std::unique_ptr<auth::JwtVerifier> verifier_;
  std::unique_ptr<events::OutboxNotifier> notifier_;
  std::unique_ptr<events::OutboxRelay> relay_;
  std::shared_ptr<const territory::Referential> referential_;
  std::string bootstrap_;
  std::vector<std::unique_ptr<events::Consumer>> consumers_;
  std::vector<std::unique_ptr<PeriodicJob>> jobs_;
};

// The whole main of a service: termination signals blocked before any thread starts, Abseil's
// deadlock detection off (Debian's Abseil has it on: a global graph update per lock), the Runtime
// started (--help prints the settings), then `wire` builds the service's own objects and returns
// rt.Serve(...). Any error is printed as "zp-<name>: <message>"; the exit code is 1 then, 0
// otherwise.
int Main(int argc, char** argv, ServiceSpec spec,
         const std::function<absl::Status(Runtime&)>& wire);

}  // namespace zp::service
