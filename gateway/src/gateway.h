#pragma once

#include <boost/asio/thread_pool.hpp>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "gateway/src/http_server.h"
#include "gateway/src/messages.h"
#include "gateway/src/route_table.h"
#include "gateway/src/transcoder.h"
#include "gateway/src/upstreams.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/histogram.h"
#include "zp/auth/jwt.h"
#include "zp/metrics/metrics.h"
#include "zp/redis/rate_limiter.h"

namespace zp::gateway {

struct GatewayOptions {
  TranscodeOptions transcode;
  // Deadline of upstream calls.
  absl::Duration upstream_timeout = absl::Seconds(30);
  // Origins allowed by CORS ("*" allows any); empty: no CORS headers.
  std::vector<std::string> cors_origins;
  // Token buckets: per principal (authenticated) and per client IP (anonymous).
  redis::RateLimit user_limit{120, 20.0};
  redis::RateLimit anonymous_limit{30, 2.0};
  bool rate_limit = true;
  // Redis key prefix of the buckets (environments sharing one Redis use different prefixes).
  std::string rate_limit_prefix = "zp:rl";
  // Sent on HTTPS responses.
  std::string hsts = "max-age=31536000; includeSubDomains";
};

// The request pipeline: request id and trace context, CORS, built-in endpoints (/healthz,
// /readyz, /openapi.json), route matching, authentication, rate limiting, transcoding, the
// upstream call and the response, with metrics and an access log line per request.
class Gateway {
 public:
  Gateway(GatewayOptions options, std::unique_ptr<RouteTable> routes, Upstreams& upstreams,
          const auth::JwtVerifier* verifier, redis::Pool* redis, metrics::Metrics& metrics);
  ~Gateway();

  void Handle(IncomingRequest request, std::shared_ptr<Exchange> exchange);
  // The gateway's own error responses, in the same JSON google.rpc.Status format as upstream ones.
  Response ErrorResponse(int http_status, const std::string& message, const Request* request);
  const RouteTable& routes() const { return *routes_; }
  void set_openapi(std::string document) { openapi_ = std::move(document); }
  // The French and Arabic error messages (none: errors in English only).
  void set_messages(Messages messages) { messages_ = std::move(messages); }

 private:
  struct Context;
  void Dispatch(std::shared_ptr<Context> ctx);
  void Call(std::shared_ptr<Context> ctx);
  void Finish(const std::shared_ptr<Context>& ctx, Response response);
  // Metrics and the access-log line of a request whose status `code` was sent.
  void Observe(const Context& ctx, int code);
  void Fail(const std::shared_ptr<Context>& ctx, const absl::Status& status);
  void ApplyCommonHeaders(const Context& ctx, Response& response) const;
  // An error's JSON body, with its LocalizedMessage for `locale`; and the response carrying it.
  std::string ErrorJson(google::rpc::Status status, Locale locale) const;
  void SetError(Response& response, google::rpc::Status status, Locale locale) const;

  GatewayOptions options_;
  std::unique_ptr<RouteTable> routes_;
  Upstreams& upstreams_;
  const auth::JwtVerifier* verifier_;
  std::unique_ptr<redis::RateLimiter> user_limiter_;
  std::unique_ptr<redis::RateLimiter> anonymous_limiter_;
  // Methods with a limit of their own (zp.api.v1.rate_limit), by gRPC path.
  std::map<std::string, std::unique_ptr<redis::RateLimiter>> method_limiters_;
  metrics::Metrics& metrics_;
  std::string openapi_;
  Messages messages_;
  // Blocking work (Redis) runs here, never on an I/O thread.
  boost::asio::thread_pool blocking_{2};
  prometheus::Family<prometheus::Counter>* requests_;
  prometheus::Family<prometheus::Histogram>* latency_;
  prometheus::Family<prometheus::Counter>* upstream_errors_;
  prometheus::Counter* rate_limit_errors_;
};

}  // namespace zp::gateway
