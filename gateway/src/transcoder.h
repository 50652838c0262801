#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "gateway/src/route_table.h"
#include "google/protobuf/message.h"
#include "google/rpc/status.pb.h"

namespace zp::gateway {

struct TranscodeOptions {
  // Unknown JSON fields and query parameters are refused (400 naming them) unless this is set.
  bool ignore_unknown_fields = false;
};

// Builds the gRPC request of `route` from the HTTP request: the body (JSON, proto3 mapping) into
// the message or the field named by `body`, path variables, then query parameters for the fields
// that neither binds ("?a=1&a=2" for repeated fields, "?sub.f=x" for nested ones, enums by name,
// 64-bit integers as decimal strings). Every error is INVALID_ARGUMENT naming the field.
absl::StatusOr<std::unique_ptr<google::protobuf::Message>> BuildRequest(
    const Route& route, const PathTemplate::Bindings& bindings, absl::string_view query,
    absl::string_view body, const TranscodeOptions& options);

// Sets `request_id` from the Idempotency-Key header. A body that carries another request_id is
// refused; the same one is fine.
absl::Status ApplyIdempotencyKey(google::protobuf::Message& request, absl::string_view key);

// The JSON of a response (or of its response_body field): lowerCamelCase names, unpopulated
// primitives emitted, int64 as strings, enums as names.
absl::StatusOr<std::string> ResponseToJson(const Route& route,
                                           const google::protobuf::Message& response);

// {"code":..., "message":..., "details":[...]} with every detail the service sent.
std::string StatusToJson(const google::rpc::Status& status);

// Sets one field (dotted path, proto or JSON names) from its text form; repeated fields get one
// more element. Exposed for tests.
absl::Status SetFieldFromText(google::protobuf::Message& message, absl::string_view path,
                              absl::string_view value);

}  // namespace zp::gateway
