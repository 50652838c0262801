#pragma once

// The registry's audit trail (zp::audit): one hash chain per territory; auditors read and
// verify it.

#include "absl/status/statusor.h"
#include "services/sgec/src/registry_core.h"
#include "zp/audit/v1/audit.pb.h"
#include "zp/sgec/v1/sgec.pb.h"

namespace zp::sgec {

class AuditTrail {
 public:
  explicit AuditTrail(RegistryCore& core) : core_(core) {}

  absl::StatusOr<v1::VerifyAuditChainResponse> VerifyAuditChain(
      const Caller& c, const v1::VerifyAuditChainRequest& r);
  absl::StatusOr<audit::v1::ListAuditRecordsResponse> ListAuditRecords(
      const Caller& c, const audit::v1::ListAuditRecordsRequest& r);

 private:
  RegistryCore& core_;
};

}  // namespace zp::sgec
