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

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) {
    return grpc::Status::OK;
  }
  google::rpc::Status rpc_status;
  rpc_status.set_code(static_cast<int>(status.code()));
  rpc_status.set_message(std::string(status.message()));
  status.ForEachPayload([&](absl::string_view type_url, const absl::Cord& payload) {
    auto* any = rpc_status.add_details();
    any->set_type_url(std::string(type_url));
    any->set_value(std::string(payload));
  });
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), std::string(status.message()),
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
