#pragma once

#include <grpcpp/support/status.h>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

// Returns from the enclosing function when `expr` (an absl::Status) is not OK.
#define RETURN_IF_ERROR(expr)                                   \
  do {                                                          \
    if (::absl::Status zp_status_ = (expr); !zp_status_.ok()) { \
      return zp_status_;                                        \
    }                                                           \
  } while (0)

#define ZP_STATUS_CONCAT_INNER(a, b) a##b
#define ZP_STATUS_CONCAT(a, b) ZP_STATUS_CONCAT_INNER(a, b)

// `ASSIGN_OR_RETURN(auto x, MakeX());` declares/assigns x from an absl::StatusOr or returns its
// error from the enclosing function.
#define ASSIGN_OR_RETURN(lhs, expr) \
  ZP_ASSIGN_OR_RETURN_IMPL(ZP_STATUS_CONCAT(zp_statusor_, __LINE__), lhs, expr)
#define ZP_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                             \
  if (!tmp.ok()) {                               \
    return std::move(tmp).status();              \
  }                                              \
  lhs = *std::move(tmp)

namespace zp::core {

// The ErrorInfo domain of every reason this platform emits.
inline constexpr absl::string_view kErrorDomain = "zeropapier.gov.ma";

struct FieldViolation {
  std::string field;
  std::string description;
  bool operator==(const FieldViolation&) const = default;
};

// INVALID_ARGUMENT carrying a google.rpc.BadRequest with one violation of `field`.
absl::Status InvalidArgumentError(absl::string_view field, absl::string_view description);
// INVALID_ARGUMENT carrying every violation (must not be empty).
absl::Status InvalidArgumentError(const std::vector<FieldViolation>& violations);

// `code` with a google.rpc.ErrorInfo whose reason is a stable UPPER_SNAKE name such as
// LATE_DECLARATION_REQUIRES_JUDGMENT; clients switch on the reason, never on the message.
absl::Status ErrorWithReason(absl::StatusCode code, absl::string_view message,
                             absl::string_view reason,
                             const std::map<std::string, std::string>& metadata = {});

// What the helpers above attached; empty when absent.
// A broken business rule: ErrorInfo with `reason` and, when `field` is set, a BadRequest naming it.
absl::Status RuleError(absl::StatusCode code, absl::string_view reason, absl::string_view field,
                       absl::string_view description,
                       const std::map<std::string, std::string>& metadata = {});

std::vector<FieldViolation> FieldViolationsOf(const absl::Status& status);
std::optional<std::string> ReasonOf(const absl::Status& status);
std::map<std::string, std::string> ErrorMetadataOf(const absl::Status& status);

// Collects every problem of a request before answering, so that a form shows all its errors at
// once. `ToStatus()` is OK when nothing was added.
class Violations {
 public:
  void Add(absl::string_view field, absl::string_view description);
  bool empty() const { return violations_.empty(); }
  absl::Status ToStatus() const;

 private:
  std::vector<FieldViolation> violations_;
};

// The reason of a failure of the database itself (zp::pg): its message is the server's.
inline constexpr absl::string_view kDatabaseErrorReason = "DATABASE_ERROR";

// Faults of the service rather than of the request: INTERNAL, UNKNOWN, DATA_LOSS, and any
// failure of the database (reason DATABASE_ERROR). Their text is for the service's log only.
bool IsInternalFault(const absl::Status& status);

// `text` cut to at most `max_bytes` (on a UTF-8 boundary, "…" appended when cut).
std::string Bounded(absl::string_view text, size_t max_bytes);

// The one conversion at the gRPC edge: code, message, and every detail attached above as a
// google.rpc.Status in the binary details (sent as grpc-status-details-bin). An internal fault
// answers a generic message of its code and no details; any other message is bounded (512 bytes),
// and so are the fields and descriptions of a BadRequest.
grpc::Status ToGrpcStatus(const absl::Status& status);
// The reverse, for clients of other services: the details become payloads again.
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace zp::core
