#pragma once

// The metadata keys carried from the gateway to services and between services.

#include <grpcpp/server_context.h>

#include <string>

#include "absl/strings/string_view.h"

namespace zp::rpc {

inline constexpr char kAuthorizationHeader[] = "authorization";
inline constexpr char kRequestIdHeader[] = "x-request-id";
inline constexpr char kTraceparentHeader[] = "traceparent";

// The first value of a metadata key, or "".
std::string Metadata(const grpc::ServerContext* ctx, absl::string_view key);

// The partners allowed on the partner port, by the common name of their client certificate.
bool IsPartnerName(absl::string_view name);

}  // namespace zp::rpc
