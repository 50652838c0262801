// zp-sgec: the civil registry service. Wiring only; the rules live in src/.
#include "absl/synchronization/mutex.h"
#include "services/sgec/src/migrations.h"
#include "services/sgec/src/registry.h"
#include "services/sgec/src/sgec_service.h"
#include "zp/rpc/signals.h"
#include "zp/service/runtime.h"

#include <iostream>

int main(int argc, char** argv) {
  zp::rpc::BlockTerminationSignals();
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  bool help = false;
  auto rt = zp::service::Runtime::Start(
      {"sgec", 50101, 50201, 9101, zp::sgec::AllMigrations(), {}}, argc, argv, &help);
  if (!rt.ok()) {
    std::cerr << "zp-sgec: " << rt.status().message() << "\n";
    return 1;
  }
  if (help) return 0;
  zp::sgec::Registry registry((*rt)->pool(), (*rt)->referential(),
                              zp::core::SystemClock::Instance(), &(*rt)->notifier());
  if (auto s = registry.SeedBureaus(); !s.ok()) {
    std::cerr << "zp-sgec: bureaus: " << s.message() << "\n";
    return 1;
  }
  zp::sgec::CivilRegistryService service(registry, (*rt)->verifier());
  return (*rt)->Serve({&service});
}
