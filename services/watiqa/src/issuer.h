#pragma once

// The issuance saga. A PAID order gets its documents from SGEC (IssueCopy, one signed document
// per copy, each under a request id fixed when the payment was accepted, so that a retry never
// issues twice) and moves to ISSUED, where Barid Al Maghrib collects it. When SGEC cannot be
// reached the order stays PAID and is retried with backoff (1 s, 2 s, 4 s ... 5 min); when SGEC
// answers that the copy can never be made (the act is gone, the order is not entitled), the
// order is REFUNDED and the payment owed back.
//
// Several replicas run it safely: an order is claimed by moving its next attempt a lease ahead
// (OrderStore::ClaimDue; in PostgreSQL FOR UPDATE SKIP LOCKED), and its outcome is written under
// the order's lock only while it is PAID.
// The service runs its passes as a Runtime::Every job, woken after each payment.

#include "absl/status/statusor.h"
#include "prometheus/counter.h"
#include "prometheus/registry.h"
#include "services/watiqa/src/civil_registry.h"
#include "services/watiqa/src/order_store.h"

namespace zp::watiqa {

struct IssuerOptions {
  int batch = 16;                                   // orders claimed per pass
  absl::Duration lease = absl::Seconds(60);         // a claimed order is left alone this long
  absl::Duration call_timeout = absl::Seconds(10);  // per IssueCopy
  absl::Duration backoff_cap = absl::Minutes(5);
};

class Issuer {
 public:
  Issuer(OrderStore& store, CivilRegistry& registry, const core::Clock& clock,
         IssuerOptions options = {})
      : store_(store), registry_(registry), clock_(clock), options_(options) {}

  struct Pass {
    int issued = 0;
    int retried = 0;
    int refunded = 0;
  };
  // zp_watiqa_issuance_total{outcome="issued"|"retried"|"refunded"}.
  void ExportTo(prometheus::Registry& registry);

  // One pass over the orders whose attempt is due.
  absl::StatusOr<Pass> RunOnce();

 private:
  absl::Status IssueOne(const std::string& reference, Pass& pass);

  OrderStore& store_;
  CivilRegistry& registry_;
  const core::Clock& clock_;
  const IssuerOptions options_;
  prometheus::Counter* issued_ = nullptr;
  prometheus::Counter* retried_ = nullptr;
  prometheus::Counter* refunded_ = nullptr;
};

// SGEC's answers after which a copy can never be made (the order is refunded); any other error
// is retried.
bool IsPermanent(const absl::Status& status);

}  // namespace zp::watiqa
