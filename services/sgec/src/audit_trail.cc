#include "services/sgec/src/audit_trail.h"

#include <vector>

#include "zp/audit/audit.h"

namespace zp::sgec {
using namespace internal;  // NOLINT: the registry's own helpers

absl::StatusOr<v1::VerifyAuditChainResponse> AuditTrail::VerifyAuditChain(
    const Caller& c, const v1::VerifyAuditChainRequest& r) {
  ASSIGN_OR_RETURN(std::string role, ActingRole(c.principal, {roles::kAuditor, roles::kDgct}));
  std::vector<std::string> scopes;
  if (!r.territory().empty()) {
    if (core_.referential->Find(r.territory()) == nullptr) {
      return core::InvalidArgumentError("territory", "not a code of the territorial referential");
    }
    if (!auth::CanAccessTerritory(c.principal, r.territory(), *core_.referential)) {
      return NotFound("territory", r.territory());
    }
    scopes.push_back(r.territory());
  } else {
    scopes = c.principal.territories;
  }
  v1::VerifyAuditChainResponse out;
  out.set_intact(true);
  ASSIGN_OR_RETURN(pg::PooledConnection conn, core_.pool.Acquire());
  for (const std::string& scope : scopes) {
    ASSIGN_OR_RETURN(audit::VerifyReport report,
                     audit::Verify(*conn, scope == kNational ? "" : scope));
    out.set_rows_checked(out.rows_checked() + report.rows);
    out.set_chains(out.chains() + report.chains);
    if (report.first_break.has_value() &&
        (out.intact() || report.first_break->id < out.first_broken_row())) {
      out.set_intact(false);
      out.set_first_broken_row(report.first_break->id);
      out.set_first_broken_chain(report.first_break->chain);
      out.set_first_broken_sequence(report.first_break->chain_seq);
      out.set_reason(report.first_break->reason);
    }
  }
  return out;
}

absl::StatusOr<audit::v1::ListAuditRecordsResponse> AuditTrail::ListAuditRecords(
    const Caller& c, const audit::v1::ListAuditRecordsRequest& r) {
  RETURN_IF_ERROR(ActingRole(c.principal, {roles::kAuditor, roles::kDgct}).status());
  ASSIGN_OR_RETURN(audit::Query query, audit::QueryOf(r, c.principal, *core_.referential));
  ASSIGN_OR_RETURN(std::vector<audit::v1::AuditRecord> records, audit::List(core_.pool, query));
  return audit::PageOf(std::move(records), query.limit);
}

}  // namespace zp::sgec
