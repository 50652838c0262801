// zp-sgec: the civil registry service. Wiring only; the rules live in src/.
#include "services/sgec/src/registry.h"
#include "services/sgec/src/sgec_service.h"
#include "zp/service/runtime.h"
#include "zp/sgec/migrations.h"

int main(int argc, char** argv) {
  return zp::service::Main(
      argc, argv,
      {"sgec",
       zp::sgec::Migrations,
       {{"document_key_file", ".run/documents/sgec.pem",
         "EC P-256 private key (PEM) that signs copies and extracts"},
        {"document_verification_url", "https://localhost:8443/v1/sgec/verify/",
         "printed in each document's QR code, followed by its verification code"},
        {"import_batch_size", "1000", "historical records per import transaction"},
        {"import_outbox_limit", "50000",
         "an import waits while the outbox holds this many unpublished events"}}},
      [](zp::service::Runtime& rt) -> absl::Status {
        const zp::core::Config& config = rt.config();
        zp::sgec::Registry registry(rt.pool(), rt.referential(), zp::core::SystemClock::Instance(),
                                    &rt.notifier());
        ASSIGN_OR_RETURN(auto signer,
                         zp::documents::Signer::FromPemFile(config.String("document_key_file")));
        registry.EnableDocuments(*signer, config.String("document_verification_url"));
        ASSIGN_OR_RETURN(int64_t batch, config.Int("import_batch_size"));
        ASSIGN_OR_RETURN(int64_t limit, config.Int("import_outbox_limit"));
        if (batch < 1 || limit < 1) {
          return absl::InvalidArgumentError(
              "import_batch_size and import_outbox_limit: positive integers");
        }
        registry.set_import_options({static_cast<int>(batch), limit});
        RETURN_IF_ERROR(registry.SeedBureaus());
        zp::sgec::CivilRegistryService service(registry, rt.verifier());
        return rt.Serve({&service});
      });
}
