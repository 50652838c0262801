#include "zp/auth/grants.h"

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/message_differencer.h"

namespace zp::auth {
namespace {
constexpr char kType[] = "type";
}  // namespace

absl::StatusOr<google::protobuf::Struct> RequestGrant(absl::string_view method,
                                                      const google::protobuf::Message& request) {
  std::string json;
  if (!google::protobuf::util::MessageToJsonString(request, &json).ok()) {
    return absl::InternalError(absl::StrCat("cannot write the grant of ", method));
  }
  google::protobuf::Struct detail;
  if (!google::protobuf::util::JsonStringToMessage(json, &detail).ok()) {
    return absl::InternalError(absl::StrCat("cannot read the grant of ", method));
  }
  (*detail.mutable_fields())[kType].set_string_value(std::string(method));
  return detail;
}

bool GrantsRequest(const Principal& principal, absl::string_view method,
                   const google::protobuf::Message& request) {
  absl::StatusOr<google::protobuf::Struct> wanted = RequestGrant(method, request);
  if (!wanted.ok()) return false;
  for (const google::protobuf::Struct* detail : principal.AuthorizationDetails(method)) {
    if (google::protobuf::util::MessageDifferencer::Equals(*detail, *wanted)) return true;
  }
  return false;
}

}  // namespace zp::auth
