#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "gateway/src/path_template.h"
#include "google/protobuf/descriptor.h"

namespace zp::gateway {

// One HTTP binding of a gRPC method (a google.api.HttpRule or one of its additional_bindings).
struct Route {
  std::string http_method;  // GET, POST, PUT, PATCH, DELETE or a custom verb
  PathTemplate path;
  std::string body;           // "", "*" or a field path
  std::string response_body;  // "" or a field path
  const google::protobuf::MethodDescriptor* method = nullptr;
  std::string grpc_path;  // "/zp.sgec.v1.CivilRegistry/RegisterAct"
  bool is_public = false;
  bool server_streaming = false;
  bool has_request_id = false;  // the request message has a string field request_id
  // (zp.api.v1.rate_limit): a bucket per client IP for this method; 0: none.
  int64_t rate_limit_burst = 0;
  double rate_limit_per_second = 0;
};

enum class MatchOutcome { kMatched, kNoRoute, kWrongMethod, kBadPath };

struct RouteMatch {
  MatchOutcome outcome = MatchOutcome::kNoRoute;
  const Route* route = nullptr;
  PathTemplate::Bindings bindings;
  std::vector<std::string> allowed_methods;  // for 405
};

// Every HTTP binding of the given services, matched by method and path. A request matching no
// template is kNoRoute (404); one whose path matches only other methods is kWrongMethod (405).
// When several templates match, the one with the most literal segments wins.
class RouteTable {
 public:
  // Builds routes from the google.api.http options of every method of `services`. Fails on an
  // unparsable template, a body or response_body naming no field, or two bindings of the same
  // HTTP method and path shape.
  static absl::StatusOr<std::unique_ptr<RouteTable>> Build(
      const std::vector<const google::protobuf::ServiceDescriptor*>& services);

  RouteMatch Match(absl::string_view http_method, absl::string_view path) const;
  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

// Resolves a dotted field path ("thing.name") in `descriptor`; nullptr when a part is missing or a
// non-final part is not a singular message.
const google::protobuf::FieldDescriptor* FindFieldPath(
    const google::protobuf::Descriptor* descriptor, absl::string_view path);

}  // namespace zp::gateway
