#pragma once

// The civil registry: its parts, each a class of its own over one RegistryCore (registry_core.h),
// together in one object that main.cc wires and the method table serves.
//
//   Bureaus           bureaus.h            the civil-status bureaus
//   Declarations      declarations.h       births and deaths declared, validated, rejected
//   Acts              acts.h               registration as numbered acts, mentions, search
//   CopyDesk          copy_desk.h          signed copies and extracts, their verification
//   HistoricalImport  historical_import.h  paper registers taken in (import_run.h: its steps)
//   AuditTrail        audit_trail.h        the hash-chained audit trail, verified
//
// Each operation checks the caller's role and territory, applies the rules (rules.h), and writes
// its change, its event (outbox) and its audit record in one transaction, under the request_id
// of the call (pg/idempotency.h).

#include <functional>
#include <memory>
#include <string>

#include "services/sgec/src/acts.h"
#include "services/sgec/src/audit_trail.h"
#include "services/sgec/src/bureaus.h"
#include "services/sgec/src/copy_desk.h"
#include "services/sgec/src/declarations.h"
#include "services/sgec/src/historical_import.h"
#include "services/sgec/src/registry_core.h"

namespace zp::sgec {

namespace internal {
// Holds the core so that it is built before the parts that refer to it.
struct CoreHolder {
  RegistryCore core;
};
}  // namespace internal

class Registry : private internal::CoreHolder,
                 public Bureaus,
                 public Declarations,
                 public Acts,
                 public CopyDesk,
                 public HistoricalImport,
                 public AuditTrail {
 public:
  // `notifier` wakes the outbox relay after commits (nullptr: the relay's polling finds them).
  Registry(pg::Pool& pool, std::shared_ptr<const territory::Referential> referential,
           const core::Clock& clock, events::OutboxNotifier* notifier = nullptr)
      : CoreHolder{RegistryCore(pool, std::move(referential), clock, notifier)},
        Bureaus(core),
        Declarations(core),
        Acts(core),
        CopyDesk(core),
        HistoricalImport(core),
        AuditTrail(core) {}
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // Where new IDCS come from (default: NewIdcs, the CSPRNG); tests inject collisions.
  void set_idcs_source(std::function<std::string()> source) {
    core.idcs_source = std::move(source);
  }
};

}  // namespace zp::sgec
