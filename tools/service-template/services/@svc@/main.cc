// zp-@svc@: wiring only; the rules live in src/.
#include "services/@svc@/src/@svc@_service.h"
#include "services/@svc@/src/pg_record_store.h"
#include "services/@svc@/src/records.h"
#include "zp/@svc@/migrations.h"
#include "zp/service/runtime.h"

int main(int argc, char** argv) {
  return zp::service::Main(
      argc, argv, {"@svc@", zp::@svc@::Migrations, {}}, [](zp::service::Runtime& rt) -> absl::Status {
        const zp::core::Clock& clock = zp::core::SystemClock::Instance();
        zp::@svc@::PgRecordStore store(rt.pool(), clock, &rt.notifier(), rt.topic());
        zp::@svc@::Records records(store, rt.referential(), clock);
        zp::@svc@::@Svc@Service service(records, rt.verifier());
        return rt.Serve({&service});
      });
}
