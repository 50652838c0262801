#pragma once

#include <grpcpp/server_context.h>

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "zp/auth/jwt.h"
#include "zp/auth/principal.h"
#include "zp/log/log.h"

namespace zp::rpc {

// Metadata keys carried from the gateway to services and between services.
inline constexpr char kAuthorizationHeader[] = "authorization";
inline constexpr char kRequestIdHeader[] = "x-request-id";
inline constexpr char kTraceparentHeader[] = "traceparent";

// The partners allowed on the partner port, by the common name of their client certificate.
bool IsPartnerName(absl::string_view name);

// What a handler knows about the call it serves: who calls, under which request and trace ids,
// and until when. Constructing it also sets the log context of the handler's thread.
class Call {
 public:
  // A call from a user through the gateway or another service: the bearer token is verified
  // (UNAUTHENTICATED when absent or invalid).
  static absl::StatusOr<Call> Authenticated(grpc::ServerContext* ctx,
                                            const auth::JwtVerifier& verifier,
                                            absl::Duration default_deadline = absl::Seconds(30));
  // A call on the partner port: the principal is the partner named by the verified client
  // certificate (UNAUTHENTICATED when there is none, PERMISSION_DENIED for an unknown partner).
  static absl::StatusOr<Call> Partner(grpc::ServerContext* ctx,
                                      absl::Duration default_deadline = absl::Seconds(30));
  // A public method (no token): anonymous principal.
  static Call Anonymous(grpc::ServerContext* ctx,
                        absl::Duration default_deadline = absl::Seconds(30));

  const auth::Principal& principal() const { return principal_; }
  const std::string& request_id() const { return log_context_.request_id; }
  const std::string& trace_id() const { return log_context_.trace_id; }
  const std::string& traceparent() const { return traceparent_; }
  // The client's deadline, or now + the default when the client set none: downstream calls and
  // database work use it so that no call runs unbounded.
  absl::Time deadline() const { return deadline_; }

 private:
  Call(grpc::ServerContext* ctx, absl::Duration default_deadline);
  auth::Principal principal_;
  log::Context log_context_;
  std::string traceparent_;
  absl::Time deadline_;
  std::shared_ptr<log::ScopedContext> scope_;
};

// The first value of a metadata key, or "".
std::string Metadata(const grpc::ServerContext* ctx, absl::string_view key);

}  // namespace zp::rpc
