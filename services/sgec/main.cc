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
      {"sgec",
       50101,
       50201,
       9101,
       zp::sgec::AllMigrations(),
       {{"document_key_file", ".run/documents/sgec.pem",
         "EC P-256 private key (PEM) that signs copies and extracts"},
        {"document_verification_url", "https://localhost:8443/v1/sgec/verify/",
         "printed in each document's QR code, followed by its verification code"},
        {"import_batch_size", "1000", "historical records per import transaction"},
        {"import_outbox_limit", "50000",
         "an import waits while the outbox holds this many unpublished events"}}},
      argc, argv, &help);
  if (!rt.ok()) {
    std::cerr << "zp-sgec: " << rt.status().message() << "\n";
    return 1;
  }
  if (help) return 0;
  zp::sgec::Registry registry((*rt)->pool(), (*rt)->referential(),
                              zp::core::SystemClock::Instance(), &(*rt)->notifier());
  auto signer = zp::documents::Signer::FromPemFile((*rt)->config().String("document_key_file"));
  if (!signer.ok()) {
    std::cerr << "zp-sgec: document_key_file: " << signer.status().message() << "\n";
    return 1;
  }
  registry.EnableDocuments(**signer, (*rt)->config().String("document_verification_url"));
  zp::sgec::ImportOptions import;
  auto batch = (*rt)->config().Int("import_batch_size");
  auto limit = (*rt)->config().Int("import_outbox_limit");
  if (!batch.ok() || !limit.ok() || *batch < 1 || *limit < 1) {
    std::cerr << "zp-sgec: import_batch_size and import_outbox_limit: positive integers\n";
    return 1;
  }
  import.batch_size = static_cast<int>(*batch);
  import.outbox_limit = *limit;
  registry.set_import_options(import);
  if (auto s = registry.SeedBureaus(); !s.ok()) {
    std::cerr << "zp-sgec: bureaus: " << s.message() << "\n";
    return 1;
  }
  zp::sgec::CivilRegistryService service(registry, (*rt)->verifier());
  return (*rt)->Serve({&service});
}
