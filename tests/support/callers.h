#pragma once

// Callers of the unit tests of a service's rules: a user with roles and territories (as a
// verified token would give), or a partner (as its client certificate would).

#include <string>
#include <vector>

#include "zp/core/uuid.h"
#include "zp/rpc/caller.h"

namespace zp::testing {

inline rpc::Caller UserCaller(const std::string& subject, std::vector<std::string> roles,
                              std::vector<std::string> territories = {}) {
  auth::Principal p;
  p.subject = subject;
  p.roles = std::move(roles);
  p.territories = std::move(territories);
  rpc::Caller c = rpc::Caller::ForPrincipal(p);
  c.bearer_token = "token-of-" + subject;
  c.request_id = core::NewUuidV7();
  return c;
}

inline rpc::Caller PartnerCaller(const std::string& partner) {
  rpc::Caller c;
  c.via = rpc::Caller::Via::kPartner;
  c.principal.subject = "partner:" + partner;
  c.principal.partner = partner;
  c.principal.roles = {partner};
  c.request_id = core::NewUuidV7();
  return c;
}

}  // namespace zp::testing
