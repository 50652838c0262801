#include "zp/core/status.h"

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace zp::core {
namespace {

constexpr absl::string_view kTypePrefix = "type.googleapis.com/";

std::string TypeUrl(const google::protobuf::Message& m) {
  return absl::StrCat(kTypePrefix, m.GetDescriptor()->full_name());
}

template <typename T>
std::optional<T> PayloadOf(const absl::Status& status) {
  auto cord = status.GetPayload(TypeUrl(T()));
  if (!cord.has_value()) {
    return std::nullopt;
  }
  T message;
  if (!message.ParseFromString(std::string(*cord))) {
    return std::nullopt;
  }
  return message;
}

}  // namespace

absl::Status InvalidArgumentError(absl::string_view field, absl::string_view description) {
  return InvalidArgumentError({FieldViolation{std::string(field), std::string(description)}});
}

absl::Status InvalidArgumentError(const std::vector<FieldViolation>& violations) {
  google::rpc::BadRequest bad_request;
  std::vector<std::string> parts;
  for (const FieldViolation& v : violations) {
    auto* fv = bad_request.add_field_violations();
    fv->set_field(v.field);
    fv->set_description(v.description);
    parts.push_back(absl::StrCat(v.field, ": ", v.description));
  }
  absl::Status status = absl::InvalidArgumentError(absl::StrJoin(parts, "; "));
  status.SetPayload(TypeUrl(bad_request), absl::Cord(bad_request.SerializeAsString()));
  return status;
}

absl::Status ErrorWithReason(absl::StatusCode code, absl::string_view message,
                             absl::string_view reason,
                             const std::map<std::string, std::string>& metadata) {
  google::rpc::ErrorInfo info;
  info.set_reason(std::string(reason));
  info.set_domain(std::string(kErrorDomain));
  for (const auto& [k, v] : metadata) {
    (*info.mutable_metadata())[k] = v;
  }
  absl::Status status(code, message);
  status.SetPayload(TypeUrl(info), absl::Cord(info.SerializeAsString()));
  return status;
}

absl::Status RuleError(absl::StatusCode code, absl::string_view reason, absl::string_view field,
                       absl::string_view description,
                       const std::map<std::string, std::string>& metadata) {
  absl::Status status = ErrorWithReason(
      code, field.empty() ? description : absl::StrCat(field, ": ", description), reason, metadata);
  if (!field.empty()) {
    google::rpc::BadRequest bad_request;
    auto* fv = bad_request.add_field_violations();
    fv->set_field(std::string(field));
    fv->set_description(std::string(description));
    status.SetPayload(TypeUrl(bad_request), absl::Cord(bad_request.SerializeAsString()));
  }
  return status;
}

std::vector<FieldViolation> FieldViolationsOf(const absl::Status& status) {
  std::vector<FieldViolation> out;
  if (auto bad_request = PayloadOf<google::rpc::BadRequest>(status)) {
    for (const auto& fv : bad_request->field_violations()) {
      out.push_back({fv.field(), fv.description()});
    }
  }
  return out;
}

std::optional<std::string> ReasonOf(const absl::Status& status) {
  if (auto info = PayloadOf<google::rpc::ErrorInfo>(status)) {
    return info->reason();
  }
  return std::nullopt;
}

std::map<std::string, std::string> ErrorMetadataOf(const absl::Status& status) {
  std::map<std::string, std::string> out;
  if (auto info = PayloadOf<google::rpc::ErrorInfo>(status)) {
    out.insert(info->metadata().begin(), info->metadata().end());
  }
  return out;
}

void Violations::Add(absl::string_view field, absl::string_view description) {
  violations_.push_back({std::string(field), std::string(description)});
}

absl::Status Violations::ToStatus() const {
  return violations_.empty() ? absl::OkStatus() : InvalidArgumentError(violations_);
}

bool IsInternalFault(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kInternal:
    case absl::StatusCode::kUnknown:
    case absl::StatusCode::kDataLoss:
      return true;
    default:
      return ReasonOf(status) == kDatabaseErrorReason;
  }
}

std::string Bounded(absl::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  size_t cut = max_bytes;
  // Never in the middle of a UTF-8 sequence (continuation bytes are 10xxxxxx).
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return absl::StrCat(text.substr(0, cut), "…");
}

namespace {

constexpr size_t kMaxMessageBytes = 512;
constexpr size_t kMaxFieldBytes = 128;
constexpr size_t kMaxDescriptionBytes = 256;

// What a caller may read of an internal fault: its kind, never its text (a database's message,
// a file path); the service's log has the rest.
absl::string_view InternalMessage(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kAlreadyExists:
      return "a conflicting change was made at the same time; retry";
    case absl::StatusCode::kAborted:
      return "the change was interrupted by another; retry";
    case absl::StatusCode::kUnavailable:
      return "the service is unavailable; retry later";
    case absl::StatusCode::kFailedPrecondition:
      return "the change breaks a rule of the stored data";
    default:
      return "internal error";
  }
}

}  // namespace

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) {
    return grpc::Status::OK;
  }
  google::rpc::Status rpc_status;
  rpc_status.set_code(static_cast<int>(status.code()));
  const bool internal = IsInternalFault(status);
  const std::string message = internal ? std::string(InternalMessage(status.code()))
                                       : Bounded(status.message(), kMaxMessageBytes);
  rpc_status.set_message(message);
  if (!internal) {
    // Details as attached, with what quotes the request bounded: an error never grows with the
    // input (gRPC refuses trailers over its metadata limit, and the caller would see another
    // error than its own).
    status.ForEachPayload([&](absl::string_view type_url, const absl::Cord& payload) {
      auto* any = rpc_status.add_details();
      any->set_type_url(std::string(type_url));
      google::rpc::BadRequest bad_request;
      if (type_url == TypeUrl(bad_request) && bad_request.ParseFromString(std::string(payload))) {
        for (auto& fv : *bad_request.mutable_field_violations()) {
          fv.set_field(Bounded(fv.field(), kMaxFieldBytes));
          fv.set_description(Bounded(fv.description(), kMaxDescriptionBytes));
        }
        any->set_value(bad_request.SerializeAsString());
      } else {
        any->set_value(std::string(payload));
      }
    });
  }
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), message,
                      rpc_status.SerializeAsString());
}

absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) {
    return absl::OkStatus();
  }
  absl::Status out(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
  google::rpc::Status rpc_status;
  if (!status.error_details().empty() && rpc_status.ParseFromString(status.error_details())) {
    for (const auto& any : rpc_status.details()) {
      out.SetPayload(any.type_url(), absl::Cord(any.value()));
    }
  }
  return out;
}

}  // namespace zp::core
