#pragma once

// What every service's main wires (services/README.md): configuration, logging, its database
// (created when allowed, migrated), the JWT verifier, the outbox relay and its notifier, metrics,
// and the gRPC server until SIGTERM. A main keeps only what is its own.

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "zp/auth/jwt.h"
#include "zp/core/config.h"
#include "zp/core/embedded_file.h"
#include "zp/events/outbox.h"
#include "zp/events/relay.h"
#include "zp/metrics/metrics.h"
#include "zp/pg/migrations.h"
#include "zp/pg/pool.h"
#include "zp/territory/referential.h"

namespace grpc {
class Service;
}

namespace zp::service {

// A service's migrations, in order: outbox and processed events, idempotency, audit, then its own
// files (component = the service's name).
std::vector<pg::Migration> ServiceMigrations(const std::string& component,
                                             const std::vector<core::EmbeddedFile>& own);

struct ServiceSpec {
  std::string name;  // "sgec": database zp_sgec, topic zp.sgec.v1
  int grpc_port = 0;
  int partner_port = 0;
  int metrics_port = 0;
  std::vector<pg::Migration> migrations;
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

  // Serves until SIGTERM or SIGINT, then drains and stops the relay. Returns the exit code.
  int Serve(const std::vector<grpc::Service*>& services,
            const std::vector<grpc::Service*>& partner_services = {});

 private:
  Runtime() = default;
  ServiceSpec spec_;
  std::unique_ptr<core::Config> config_;
  std::unique_ptr<metrics::Metrics> metrics_;
  std::unique_ptr<pg::Pool> pool_;
  std::unique_ptr<auth::JwtVerifier> verifier_;
  std::unique_ptr<events::OutboxNotifier> notifier_;
  std::unique_ptr<events::OutboxRelay> relay_;
  std::shared_ptr<const territory::Referential> referential_;
  std::string bootstrap_;
};

}  // namespace zp::service
