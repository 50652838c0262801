#pragma once

// Grants of one exact request, carried in a service token's authorization_details (RFC 9396):
// {"type": "<full method name>", ...the request's fields as proto3 JSON}. The caller signs the
// request it is about to make; the callee serves it only when the request it received is that
// one, field for field.

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"
#include "google/protobuf/struct.pb.h"
#include "zp/auth/principal.h"

namespace zp::auth {

// The authorization detail that grants `request` to `method`.
absl::StatusOr<google::protobuf::Struct> RequestGrant(absl::string_view method,
                                                      const google::protobuf::Message& request);

// True when one of the principal's authorization details grants exactly `request` to `method`.
bool GrantsRequest(const Principal& principal, absl::string_view method,
                   const google::protobuf::Message& request);

}  // namespace zp::auth
