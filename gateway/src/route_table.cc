#include "gateway/src/route_table.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "google/api/annotations.pb.h"
#include "google/api/http.pb.h"
#include "zp/api/v1/annotations.pb.h"

namespace zp::gateway {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::MethodDescriptor;

absl::Status AddRule(const MethodDescriptor* method, const google::api::HttpRule& rule,
                     std::vector<Route>& routes) {
  Route route;
  std::string pattern;
  switch (rule.pattern_case()) {
    case google::api::HttpRule::kGet:
      route.http_method = "GET";
      pattern = rule.get();
      break;
    case google::api::HttpRule::kPut:
      route.http_method = "PUT";
      pattern = rule.put();
      break;
    case google::api::HttpRule::kPost:
      route.http_method = "POST";
      pattern = rule.post();
      break;
    case google::api::HttpRule::kDelete:
      route.http_method = "DELETE";
      pattern = rule.delete_();
      break;
    case google::api::HttpRule::kPatch:
      route.http_method = "PATCH";
      pattern = rule.patch();
      break;
    case google::api::HttpRule::kCustom:
      route.http_method = absl::AsciiStrToUpper(rule.custom().kind());
      pattern = rule.custom().path();
      break;
    default:
      return absl::InvalidArgumentError(
          absl::StrCat(method->full_name(), ": HttpRule without a pattern"));
  }
  auto path = PathTemplate::Parse(pattern);
  if (!path.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(method->full_name(), ": ", path.status().message()));
  }
  route.path = *std::move(path);
  const Descriptor* input = method->input_type();
  for (const auto& v : route.path.variables()) {
    const FieldDescriptor* f = FindFieldPath(input, v.field_path);
    if (f == nullptr || f->is_repeated() || f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      return absl::InvalidArgumentError(absl::StrCat(method->full_name(), ": path variable ",
                                                     v.field_path,
                                                     " is not a singular scalar field"));
    }
  }
  route.body = rule.body();
  if (!route.body.empty() && route.body != "*" && FindFieldPath(input, route.body) == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat(method->full_name(), ": body ", route.body, " is not a field"));
  }
  route.response_body = rule.response_body();
  if (!route.response_body.empty() &&
      FindFieldPath(method->output_type(), route.response_body) == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(method->full_name(), ": response_body ",
                                                   route.response_body, " is not a field"));
  }
  route.method = method;
  route.grpc_path = absl::StrCat("/", method->service()->full_name(), "/", method->name());
  route.is_public = method->options().GetExtension(zp::api::v1::public_);
  route.server_streaming = method->server_streaming();
  if (method->options().HasExtension(zp::api::v1::rate_limit)) {
    const auto& limit = method->options().GetExtension(zp::api::v1::rate_limit);
    if (limit.burst() < 1 || limit.per_second() <= 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(method->full_name(), ": rate_limit needs burst >= 1 and per_second > 0"));
    }
    route.rate_limit_burst = limit.burst();
    route.rate_limit_per_second = limit.per_second();
  }
  const FieldDescriptor* request_id = input->FindFieldByName("request_id");
  route.has_request_id = request_id != nullptr &&
                         request_id->type() == FieldDescriptor::TYPE_STRING &&
                         !request_id->is_repeated();
  if (method->client_streaming()) {
    return absl::InvalidArgumentError(
        absl::StrCat(method->full_name(), ": client-streaming methods have no HTTP binding"));
  }
  routes.push_back(std::move(route));
  for (const auto& extra : rule.additional_bindings()) {
    if (!extra.additional_bindings().empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(method->full_name(), ": additional_bindings may not nest"));
    }
    if (absl::Status s = AddRule(method, extra, routes); !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

}  // namespace

const FieldDescriptor* FindFieldPath(const Descriptor* descriptor, absl::string_view path) {
  const FieldDescriptor* field = nullptr;
  for (absl::string_view part : absl::StrSplit(path, '.')) {
    if (descriptor == nullptr) {
      return nullptr;
    }
    field = descriptor->FindFieldByName(std::string(part));
    if (field == nullptr) {
      return nullptr;
    }
    descriptor = (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE && !field->is_repeated())
                     ? field->message_type()
                     : nullptr;
  }
  return field;
}

absl::StatusOr<std::unique_ptr<RouteTable>> RouteTable::Build(
    const std::vector<const google::protobuf::ServiceDescriptor*>& services) {
  auto table = std::make_unique<RouteTable>();
  for (const auto* service : services) {
    for (int i = 0; i < service->method_count(); ++i) {
      const MethodDescriptor* method = service->method(i);
      if (!method->options().HasExtension(google::api::http)) {
        continue;
      }
      if (absl::Status s =
              AddRule(method, method->options().GetExtension(google::api::http), table->routes_);
          !s.ok()) {
        return s;
      }
    }
  }
  for (size_t i = 0; i < table->routes_.size(); ++i) {
    for (size_t j = i + 1; j < table->routes_.size(); ++j) {
      const Route& a = table->routes_[i];
      const Route& b = table->routes_[j];
      if (a.http_method == b.http_method && a.path.SameShape(b.path)) {
        return absl::InvalidArgumentError(absl::StrCat(
            "routes conflict: ", a.http_method, " ", a.path.text(), " (", a.method->full_name(),
            ") and ", b.path.text(), " (", b.method->full_name(), ")"));
      }
    }
  }
  return table;
}

RouteMatch RouteTable::Match(absl::string_view http_method, absl::string_view path) const {
  RouteMatch result;
  SplitPath split = SplitRequestPath(path);
  if (!split.valid) {
    result.outcome = MatchOutcome::kBadPath;
    return result;
  }
  int best = -1;
  for (const Route& route : routes_) {
    const bool wants_verb = !route.path.verb().empty();
    if (wants_verb && !split.has_verb) {
      continue;
    }
    std::optional<PathTemplate::Bindings> bindings =
        wants_verb ? route.path.Match(split.segments, split.verb)
                   : route.path.Match(split.segments_no_verb, "");
    if (!bindings.has_value()) {
      continue;
    }
    if (route.http_method != http_method) {
      result.allowed_methods.push_back(route.http_method);
      continue;
    }
    int score = route.path.Specificity() + (wants_verb ? 100 : 0);
    if (score > best) {
      best = score;
      result.route = &route;
      result.bindings = *std::move(bindings);
    }
  }
  if (result.route != nullptr) {
    result.outcome = MatchOutcome::kMatched;
  } else if (!result.allowed_methods.empty()) {
    result.outcome = MatchOutcome::kWrongMethod;
  }
  return result;
}

}  // namespace zp::gateway
