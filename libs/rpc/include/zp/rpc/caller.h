#pragma once

// Who makes a call and how it came, built once from the call's metadata (rpc/method.h) and handed
// to every domain method of every service. Holds no gRPC type, so logic classes and their tests
// need nothing of the transport.

#include <string>

#include "absl/time/time.h"
#include "zp/auth/principal.h"

namespace zp::rpc {

// Who may call a method: `kToken` needs a verified bearer token; `kPublic` takes anonymous calls
// (and verifies a token when one is sent); `kPartner` needs a verified partner client certificate
// (the partner port).
enum class Access { kToken, kPublic, kPartner };

struct Caller {
  enum class Via { kToken, kAnonymous, kPartner };
  Via via = Via::kAnonymous;
  // The verified principal; for an anonymous call, subject "anonymous" with no role.
  auth::Principal principal;
  // The verified bearer token (Via::kToken), for a peer service asked on the user's own account
  // (WATIQA asks SGEC whether the user may order a copy).
  std::string bearer_token;
  std::string request_id;   // x-request-id: the gateway's, or the caller service's
  std::string trace_id;     // of traceparent
  std::string traceparent;  // W3C, carried on to events and peer calls
  absl::Time deadline = absl::InfiniteFuture();

  bool anonymous() const { return via == Via::kAnonymous; }
  bool partner() const { return via == Via::kPartner; }

  // A caller for code that runs outside any call (tests, jobs).
  static Caller ForPrincipal(auth::Principal principal, std::string traceparent = "") {
    Caller c;
    c.via = Via::kToken;
    c.principal = std::move(principal);
    c.traceparent = std::move(traceparent);
    return c;
  }
  static Caller Anonymous(std::string traceparent = "") {
    Caller c;
    c.principal.subject = "anonymous";
    c.traceparent = std::move(traceparent);
    return c;
  }
};

}  // namespace zp::rpc
