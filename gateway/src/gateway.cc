#include "gateway/src/gateway.h"

#include <boost/asio/post.hpp>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gateway/src/http_status.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "zp/api/v1/httpbody.pb.h"
#include "zp/core/random.h"
#include "zp/core/status.h"
#include "zp/core/uuid.h"
#include "zp/log/log.h"
#include "zp/metrics/interceptors.h"

namespace zp::gateway {
namespace {

constexpr char kJson[] = "application/json";

bool ValidRequestId(absl::string_view id) {
  if (id.empty() || id.size() > 128) {
    return false;
  }
  for (char c : id) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') {
      return false;
    }
  }
  return true;
}

std::string Header(const Request& r, http::field f) {
  auto it = r.find(f);
  return it == r.end() ? std::string() : std::string(it->value());
}

std::string Header(const Request& r, absl::string_view name) {
  auto it = r.find(boost::beast::string_view(name.data(), name.size()));
  return it == r.end() ? std::string() : std::string(it->value());
}

google::rpc::Status RpcStatusOf(const absl::Status& status) {
  google::rpc::Status out;
  grpc::Status g = core::ToGrpcStatus(status);
  if (!out.ParseFromString(g.error_details())) {
    out.set_code(static_cast<int>(status.code()));
    out.set_message(std::string(status.message()));
  }
  return out;
}

// The google.rpc.Status a service sent (grpc-status-details-bin), or one made of code and message.
google::rpc::Status RpcStatusOf(const grpc::Status& status) {
  google::rpc::Status out;
  if (status.error_details().empty() || !out.ParseFromString(status.error_details())) {
    out.Clear();
    out.set_code(status.error_code());
    out.set_message(status.error_message());
  }
  return out;
}

absl::StatusCode CodeForHttp(int status) {
  switch (status) {
    case 400:
    case 413:
    case 431:
      return absl::StatusCode::kInvalidArgument;
    case 401:
      return absl::StatusCode::kUnauthenticated;
    case 403:
      return absl::StatusCode::kPermissionDenied;
    case 404:
      return absl::StatusCode::kNotFound;
    case 405:
      return absl::StatusCode::kUnimplemented;
    case 429:
      return absl::StatusCode::kResourceExhausted;
    case 503:
      return absl::StatusCode::kUnavailable;
    default:
      return absl::StatusCode::kInternal;
  }
}

absl::string_view ReasonForHttp(int status) {
  switch (status) {
    case 404:
      return "ROUTE_NOT_FOUND";
    case 405:
      return "METHOD_NOT_ALLOWED";
    case 413:
      return "BODY_TOO_LARGE";
    case 431:
      return "HEADERS_TOO_LARGE";
    case 429:
      return "RATE_LIMITED";
    default:
      return "MALFORMED_REQUEST";
  }
}

}  // namespace

struct Gateway::Context {
  IncomingRequest in;
  std::shared_ptr<Exchange> exchange;
  absl::Time start = absl::Now();
  std::string request_id;
  std::string traceparent;
  std::string origin;  // set when CORS allows it
  std::string path;
  std::string query;
  std::string route_label = "unmatched";
  RouteMatch match;
  auth::Principal principal;
  bool authenticated = false;
  std::string request_bytes;
  std::string retry_after;
  std::vector<std::string> allow;    // for 405
  Locale locale = Locale::kEnglish;  // of error messages (Accept-Language)
};

Gateway::Gateway(GatewayOptions options, std::unique_ptr<RouteTable> routes, Upstreams& upstreams,
                 const auth::JwtVerifier* verifier, redis::Pool* redis, metrics::Metrics& metrics)
    : options_(std::move(options)),
      routes_(std::move(routes)),
      upstreams_(upstreams),
      verifier_(verifier),
      metrics_(metrics) {
  if (redis != nullptr && options_.rate_limit) {
    // A principal's tokens are leased from Redis a few at a time (see RateLimiter); anonymous
    // buckets are slow and shared by many: every request meets Redis.
    user_limiter_ = std::make_unique<redis::RateLimiter>(
        *redis, options_.rate_limit_prefix + ":user", options_.user_limit,
        core::SystemClock::Instance(), redis::RateLimiter::LeaseFor(options_.user_limit));
    anonymous_limiter_ = std::make_unique<redis::RateLimiter>(
        *redis, options_.rate_limit_prefix + ":ip", options_.anonymous_limit);
    for (const Route& route : routes_->routes()) {
      if (route.rate_limit_burst == 0 || method_limiters_.count(route.grpc_path) > 0) continue;
      method_limiters_[route.grpc_path] = std::make_unique<redis::RateLimiter>(
          *redis, absl::StrCat(options_.rate_limit_prefix, ":m:", route.grpc_path),
          redis::RateLimit{route.rate_limit_burst, route.rate_limit_per_second});
    }
  }
  auto& registry = *metrics_.registry();
  requests_ = &prometheus::BuildCounter()
                   .Name("zp_http_requests_total")
                   .Help("HTTP requests answered by the gateway, by route, method and status.")
                   .Register(registry);
  latency_ = &prometheus::BuildHistogram()
                  .Name("zp_http_request_duration_seconds")
                  .Help("Time from reading a request to handing its response to the socket.")
                  .Register(registry);
  upstream_errors_ = &prometheus::BuildCounter()
                          .Name("zp_gateway_upstream_errors_total")
                          .Help("Upstream calls that failed for reasons of the upstream.")
                          .Register(registry);
  rate_limit_errors_ = &prometheus::BuildCounter()
                            .Name("zp_gateway_ratelimit_errors_total")
                            .Help("Requests served unlimited because Redis did not answer.")
                            .Register(registry)
                            .Add({});
}

Gateway::~Gateway() { blocking_.join(); }

Response Gateway::ErrorResponse(int http_status, const std::string& message,
                                const Request* request) {
  absl::Status status =
      core::ErrorWithReason(CodeForHttp(http_status), message, ReasonForHttp(http_status));
  if (http_status == 413) {  // the reason and the field: the body
    status = core::RuleError(absl::StatusCode::kInvalidArgument, ReasonForHttp(http_status), "body",
                             message);
  }
  Response res{static_cast<http::status>(http_status),
               request != nullptr ? request->version() : 11};
  res.set("X-Content-Type-Options", "nosniff");
  SetError(res, RpcStatusOf(status),
           request != nullptr ? PreferredLocale(Header(*request, http::field::accept_language))
                              : Locale::kEnglish);
  return res;
}

std::string Gateway::ErrorJson(google::rpc::Status status, Locale locale) const {
  messages_.Localize(status, locale);
  return StatusToJson(status);
}

void Gateway::SetError(Response& res, google::rpc::Status status, Locale locale) const {
  res.set(http::field::content_type, kJson);
  res.set(http::field::vary, "Accept-Language");
  if (locale != Locale::kEnglish)
    res.set(http::field::content_language, std::string(LocaleTag(locale)));
  res.body() = ErrorJson(std::move(status), locale);
}

void Gateway::ApplyCommonHeaders(const Context& ctx, Response& response) const {
  response.set("X-Request-Id", ctx.request_id);
  response.set("traceparent", ctx.traceparent);
  response.set("X-Content-Type-Options", "nosniff");
  if (ctx.in.tls && !options_.hsts.empty()) {
    response.set(http::field::strict_transport_security, options_.hsts);
  }
  if (ctx.authenticated) {
    response.set(http::field::cache_control, "no-store");
  }
  if (!ctx.origin.empty()) {
    response.set(http::field::access_control_allow_origin, ctx.origin);
    const std::string vary(response[http::field::vary]);
    response.set(http::field::vary, vary.empty() ? "Origin" : absl::StrCat(vary, ", Origin"));
    response.set(http::field::access_control_expose_headers,
                 "X-Request-Id, traceparent, Retry-After, WWW-Authenticate");
  }
}

void Gateway::Finish(const std::shared_ptr<Context>& ctx, Response response) {
  ApplyCommonHeaders(*ctx, response);
  Observe(*ctx, static_cast<int>(response.result_int()));
  ctx->exchange->Respond(std::move(response));
}

void Gateway::Observe(const Context& c, int code) {
  const Context* ctx = &c;
  const std::string method(ctx->in.message.method_string());
  requests_->Add({{"route", ctx->route_label}, {"method", method}, {"code", absl::StrCat(code)}})
      .Increment();
  const double seconds = absl::ToDoubleSeconds(absl::Now() - ctx->start);
  latency_->Add({{"route", ctx->route_label}}, metrics::Metrics::LatencyBuckets()).Observe(seconds);
  {
    log::ScopedContext scope({ctx->request_id, log::TraceIdFromTraceparent(ctx->traceparent)});
    spdlog::info("http {} {} {} {:.2f}ms route={} client={}", method, ctx->path, code,
                 seconds * 1000, ctx->route_label, ctx->in.client_ip);
  }
}

void Gateway::Fail(const std::shared_ptr<Context>& ctx, const absl::Status& status) {
  const int http_status = HttpStatusFor(static_cast<grpc::StatusCode>(status.code()));
  Response res{static_cast<http::status>(http_status), ctx->in.message.version()};
  SetError(res, RpcStatusOf(status), ctx->locale);
  if (http_status == 401) {
    res.set(http::field::www_authenticate,
            ctx->in.message.find(http::field::authorization) == ctx->in.message.end()
                ? "Bearer realm=\"zeropapier\""
                : "Bearer realm=\"zeropapier\", error=\"invalid_token\"");
  }
  if (!ctx->retry_after.empty()) {
    res.set(http::field::retry_after, ctx->retry_after);
  }
  if (!ctx->allow.empty()) {
    res.set(http::field::allow, absl::StrJoin(ctx->allow, ", "));
  }
  Finish(ctx, std::move(res));
}

void Gateway::Handle(IncomingRequest in, std::shared_ptr<Exchange> exchange) {
  auto ctx = std::make_shared<Context>();
  ctx->in = std::move(in);
  ctx->exchange = std::move(exchange);
  const Request& req = ctx->in.message;
  std::string incoming_id = Header(req, "X-Request-Id");
  ctx->request_id = ValidRequestId(incoming_id) ? incoming_id : core::NewUuidV7();
  ctx->traceparent = log::NextTraceparent(Header(req, "traceparent"));
  ctx->locale = PreferredLocale(Header(req, http::field::accept_language));
  std::string target(req.target());
  size_t q = target.find('?');
  ctx->path = target.substr(0, q);
  ctx->query = q == std::string::npos ? "" : target.substr(q + 1);

  std::string origin = Header(req, http::field::origin);
  if (!origin.empty()) {
    for (const std::string& allowed : options_.cors_origins) {
      if (allowed == "*" || allowed == origin) {
        ctx->origin = origin;
      }
    }
  }
  if (req.method() == http::verb::options &&
      req.find(http::field::access_control_request_method) != req.end()) {
    Response res{http::status::no_content, req.version()};
    if (!ctx->origin.empty()) {
      res.set(http::field::access_control_allow_methods, "GET, POST, PUT, PATCH, DELETE, OPTIONS");
      res.set(http::field::access_control_allow_headers,
              "Authorization, Content-Type, Idempotency-Key, X-Request-Id, traceparent");
      res.set(http::field::access_control_max_age, "600");
    }
    ctx->route_label = "preflight";
    return Finish(ctx, std::move(res));
  }

  if (req.method() == http::verb::get) {
    if (ctx->path == "/healthz") {
      ctx->route_label = "/healthz";
      Response res{http::status::ok, req.version()};
      res.set(http::field::content_type, kJson);
      res.body() = R"({"status":"SERVING"})";
      return Finish(ctx, std::move(res));
    }
    if (ctx->path == "/readyz") {
      ctx->route_label = "/readyz";
      upstreams_.CheckHealth(
          absl::Seconds(2), [this, ctx](bool ready, std::vector<std::string> down) {
            Response res{ready ? http::status::ok : http::status::service_unavailable,
                         ctx->in.message.version()};
            res.set(http::field::content_type, kJson);
            google::protobuf::Struct body;
            (*body.mutable_fields())["status"].set_string_value(ready ? "SERVING" : "NOT_SERVING");
            auto* list = (*body.mutable_fields())["notServing"].mutable_list_value();
            for (const std::string& s : down) {
              list->add_values()->set_string_value(s);
            }
            (void)google::protobuf::util::MessageToJsonString(body, &res.body());
            if (!ready) {
              res.set(http::field::retry_after, "5");
            }
            Finish(ctx, std::move(res));
          });
      return;
    }
    if (ctx->path == "/openapi.json" && !openapi_.empty()) {
      ctx->route_label = "/openapi.json";
      Response res{http::status::ok, req.version()};
      res.set(http::field::content_type, kJson);
      res.body() = openapi_;
      return Finish(ctx, std::move(res));
    }
  }

  ctx->match = routes_->Match(std::string(req.method_string()), ctx->path);
  switch (ctx->match.outcome) {
    case MatchOutcome::kBadPath:
      return Fail(ctx,
                  core::InvalidArgumentError("path", "malformed percent-encoding in the path"));
    case MatchOutcome::kNoRoute:
      return Fail(
          ctx, core::ErrorWithReason(
                   absl::StatusCode::kNotFound,
                   absl::StrCat("no route for ", std::string(req.method_string()), " ", ctx->path),
                   "ROUTE_NOT_FOUND"));
    case MatchOutcome::kWrongMethod: {
      ctx->allow = ctx->match.allowed_methods;
      Response res = ErrorResponse(
          405, absl::StrCat(std::string(req.method_string()), " is not allowed on ", ctx->path),
          &req);
      res.set(http::field::allow, absl::StrJoin(ctx->allow, ", "));
      return Finish(ctx, std::move(res));
    }
    case MatchOutcome::kMatched:
      break;
  }
  const Route& route = *ctx->match.route;
  ctx->route_label = absl::StrCat(route.http_method, " ", route.path.text());

  std::string authorization = Header(req, http::field::authorization);
  if (!authorization.empty() || !route.is_public) {
    constexpr absl::string_view kBearer = "Bearer ";
    if (!absl::StartsWithIgnoreCase(authorization, kBearer)) {
      return Fail(ctx, core::ErrorWithReason(absl::StatusCode::kUnauthenticated,
                                             "a bearer token is required", "TOKEN_MISSING"));
    }
    if (verifier_ == nullptr) {
      return Fail(ctx, absl::UnavailableError("token verification is not configured"));
    }
    absl::StatusOr<auth::Principal> principal =
        verifier_->Verify(absl::string_view(authorization).substr(kBearer.size()));
    if (!principal.ok()) {
      return Fail(ctx, principal.status());
    }
    ctx->principal = *std::move(principal);
    ctx->authenticated = true;
  }

  if (user_limiter_ == nullptr) {
    return Dispatch(ctx);
  }
  // A token from the principal's local lease: no Redis, no thread hop.
  if (ctx->authenticated && method_limiters_.count(ctx->match.route->grpc_path) == 0) {
    if (auto local = user_limiter_->TakeLocal(ctx->principal.subject); local.has_value()) {
      return Dispatch(ctx);
    }
  }
  boost::asio::post(blocking_, [this, ctx] {
    redis::RateLimiter& limiter = ctx->authenticated ? *user_limiter_ : *anonymous_limiter_;
    std::string key = ctx->authenticated ? ctx->principal.subject : ctx->in.client_ip;
    absl::StatusOr<redis::RateDecision> decision = limiter.Take(key);
    auto own = method_limiters_.find(ctx->match.route->grpc_path);
    if (own != method_limiters_.end() && (!decision.ok() || decision->allowed)) {
      absl::StatusOr<redis::RateDecision> method_decision = own->second->Take(ctx->in.client_ip);
      if (method_decision.ok() || decision.ok()) decision = method_decision;
    }
    if (!decision.ok()) {
      // Redis away: keep serving, and say so in the metrics.
      rate_limit_errors_->Increment();
    } else if (!decision->allowed) {
      ctx->retry_after = absl::StrCat(std::max<int64_t>(
          1, absl::ToInt64Seconds(absl::Ceil(decision->retry_after, absl::Seconds(1)))));
      return Fail(ctx, core::ErrorWithReason(absl::StatusCode::kResourceExhausted,
                                             "too many requests; retry later", "RATE_LIMITED"));
    }
    Dispatch(ctx);
  });
}

void Gateway::Dispatch(std::shared_ptr<Context> ctx) {
  const Route& route = *ctx->match.route;
  absl::StatusOr<std::unique_ptr<google::protobuf::Message>> request = BuildRequest(
      route, ctx->match.bindings, ctx->query, ctx->in.message.body(), options_.transcode);
  if (!request.ok()) {
    return Fail(ctx, request.status());
  }
  std::string key = Header(ctx->in.message, "Idempotency-Key");
  if (!key.empty() && route.has_request_id) {
    if (absl::Status s = ApplyIdempotencyKey(**request, key); !s.ok()) {
      return Fail(ctx, s);
    }
  }
  ctx->request_bytes = (*request)->SerializeAsString();
  Call(std::move(ctx));
}

void Gateway::Call(std::shared_ptr<Context> ctx) {
  const Route& route = *ctx->match.route;
  Metadata metadata = {{"x-request-id", ctx->request_id}, {"traceparent", ctx->traceparent}};
  std::string authorization = Header(ctx->in.message, http::field::authorization);
  if (!authorization.empty()) {
    metadata.emplace_back("authorization", authorization);
  }
  std::string forwarded = Header(ctx->in.message, "X-Forwarded-For");
  metadata.emplace_back("x-forwarded-for", forwarded.empty()
                                               ? ctx->in.client_ip
                                               : absl::StrCat(forwarded, ", ", ctx->in.client_ip));
  metadata.emplace_back("x-forwarded-proto", ctx->in.tls ? "https" : "http");
  const std::string service = route.method->service()->full_name();
  const absl::Time deadline = absl::Now() + options_.upstream_timeout;

  auto on_error = [this, ctx, service](const UpstreamReply& reply) {
    google::rpc::Status status = RpcStatusOf(reply.status);
    const int http_status = HttpStatusFor(reply.status.error_code());
    if (http_status >= 500) {
      upstream_errors_
          ->Add(
              {{"service", service}, {"code", metrics::StatusCodeName(reply.status.error_code())}})
          .Increment();
    }
    Response res{static_cast<http::status>(http_status), ctx->in.message.version()};
    SetError(res, std::move(status), ctx->locale);
    if (http_status == 401) {
      res.set(http::field::www_authenticate,
              "Bearer realm=\"zeropapier\", error=\"invalid_token\"");
    }
    if (http_status == 429 || http_status == 503) {
      res.set(http::field::retry_after, "1");
    }
    Finish(ctx, std::move(res));
  };

  if (!route.server_streaming) {
    upstreams_.Unary(
        service, route.grpc_path, ctx->request_bytes, metadata, deadline,
        [this, ctx, on_error](UpstreamReply reply) {
          if (!reply.status.ok()) {
            return on_error(reply);
          }
          const Route& r = *ctx->match.route;
          std::unique_ptr<google::protobuf::Message> response(
              google::protobuf::MessageFactory::generated_factory()
                  ->GetPrototype(r.method->output_type())
                  ->New());
          if (!response->ParseFromString(reply.body)) {
            return Fail(ctx, absl::InternalError("malformed upstream response"));
          }
          // zp.api.v1.HttpBody: the bytes as they are, with their content type.
          if (const auto* raw = dynamic_cast<const api::v1::HttpBody*>(response.get())) {
            Response res{http::status::ok, ctx->in.message.version()};
            res.set(http::field::content_type,
                    raw->content_type().empty() ? "application/octet-stream" : raw->content_type());
            std::string name;
            for (char c : raw->file_name()) {
              if (absl::ascii_isalnum(c) || c == '.' || c == '-' || c == '_') {
                name.push_back(c);
              }
            }
            if (!name.empty()) {
              res.set(http::field::content_disposition,
                      absl::StrCat("inline; filename=\"", name, "\""));
            }
            res.body() = raw->data();
            return Finish(ctx, std::move(res));
          }
          absl::StatusOr<std::string> json = ResponseToJson(r, *response);
          if (!json.ok()) {
            return Fail(ctx, json.status());
          }
          Response res{http::status::ok, ctx->in.message.version()};
          res.set(http::field::content_type, kJson);
          res.body() = *std::move(json);
          Finish(ctx, std::move(res));
        });
    return;
  }

  // Server streaming: newline-delimited JSON, one message per line; a failure after the first
  // message is a final {"error": status} line (the HTTP status is already sent).
  struct StreamState {
    std::mutex mu;
    bool started = false;
  };
  auto state = std::make_shared<StreamState>();
  auto start = [this, ctx, state] {
    if (state->started) {
      return;
    }
    state->started = true;
    http::response<http::empty_body> header{http::status::ok, ctx->in.message.version()};
    header.set(http::field::content_type, "application/x-ndjson");
    Response probe;
    ApplyCommonHeaders(*ctx, probe);
    for (const auto& field : probe) {
      header.set(field.name_string(), field.value());
    }
    ctx->exchange->StartStream(std::move(header));
  };
  upstreams_.ServerStream(
      service, route.grpc_path, ctx->request_bytes, metadata, deadline,
      [ctx, state, start](std::string bytes) {
        std::unique_ptr<google::protobuf::Message> message(
            google::protobuf::MessageFactory::generated_factory()
                ->GetPrototype(ctx->match.route->method->output_type())
                ->New());
        message->ParseFromString(bytes);
        google::protobuf::util::JsonPrintOptions print;
        print.always_print_primitive_fields = true;
        std::string line;
        (void)google::protobuf::util::MessageToJsonString(*message, &line, print);
        std::lock_guard<std::mutex> lock(state->mu);
        start();
        ctx->exchange->StreamChunk(line + "\n");
      },
      [this, ctx, state, start, on_error](UpstreamReply reply) {
        std::unique_lock<std::mutex> lock(state->mu);
        if (!state->started && !reply.status.ok()) {
          lock.unlock();
          return on_error(reply);
        }
        start();
        if (!reply.status.ok()) {
          ctx->exchange->StreamChunk(absl::StrCat(
              "{\"error\":", ErrorJson(RpcStatusOf(reply.status), ctx->locale), "}\n"));
        }
        ctx->exchange->EndStream();
        Observe(*ctx, 200);  // the status sent; a failure is the stream's last line
      });
}

}  // namespace zp::gateway
