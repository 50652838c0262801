// The gateway binary over HTTPS (and plain HTTP) in front of the test EchoService.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "tests/e2e/echo_service.h"
#include "tests/support/gateway_process.h"
#include "tests/support/http_client.h"
#include "tests/support/secrets.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_env.h"
#include "zp/core/files.h"
#include "zp/rpc/server.h"

namespace zp::testing {
namespace {

google::protobuf::Struct Json(const std::string& body) {
  google::protobuf::Struct s;
  auto status = google::protobuf::util::JsonStringToMessage(body, &s);
  INFO(body);
  REQUIRE(status.ok());
  return s;
}

std::string Str(const google::protobuf::Struct& s, const std::string& key) {
  auto it = s.fields().find(key);
  return it == s.fields().end() ? "" : it->second.string_value();
}

class Stack {
 public:
  explicit Stack(std::vector<std::string> extra_flags = {}) : metrics_("echo") {
    rpc::ServerOptions options;
    options.service_name = "echo";
    options.listen_address = "127.0.0.1:0";
    options.readiness_interval = absl::Milliseconds(50);
    options.readiness_check = [] { return absl::OkStatus(); };
    server_ = std::make_unique<rpc::Server>(options, metrics_);
    server_->AddService(&echo_);
    REQUIRE(server_->Start().ok());
    gateway_ = std::make_unique<GatewayProcess>(
        secrets_, absl::StrCat("zp.testing.v1.EchoService=127.0.0.1:", server_->port()),
        extra_flags);
    REQUIRE(gateway_->WaitHealthy());
    https_ = gateway_->https();
    http_ = gateway_->http();
    metrics_port_ = gateway_->metrics_port();
  }

  HttpResult Get(const std::string& path, std::map<std::string, std::string> headers = {}) {
    return HttpCall(https_, "GET", path, WithToken(std::move(headers)));
  }
  HttpResult Send(const std::string& method, const std::string& path, const std::string& body,
                  std::map<std::string, std::string> headers = {}) {
    headers.emplace("Content-Type", "application/json");
    return HttpCall(https_, method, path, WithToken(std::move(headers)), body);
  }
  std::map<std::string, std::string> WithToken(std::map<std::string, std::string> headers) {
    if (!headers.contains("Authorization") && !headers.contains("no-token")) {
      headers["Authorization"] = "Bearer " + Token();
    }
    headers.erase("no-token");
    return headers;
  }
  std::string Token(absl::Duration lifetime = absl::Hours(1), absl::Time now = absl::Now()) {
    auth::TokenClaims claims;
    claims.subject = UniqueName("agent-");
    claims.roles = {"agent"};
    claims.territories = {"01.511.01.01"};
    claims.lifetime = lifetime;
    return *secrets_.Signer()->Sign(claims, now);
  }
  HttpTarget https() const { return https_; }
  HttpTarget http() const { return http_; }
  std::string Metrics() {
    return HttpCall({"127.0.0.1", metrics_port_, false, ""}, "GET", "/metrics").body;
  }

 private:
  Secrets secrets_;
  metrics::Metrics metrics_;
  EchoServiceImpl echo_;
  std::unique_ptr<rpc::Server> server_;
  HttpTarget https_;
  HttpTarget http_;
  int metrics_port_ = 0;
  std::unique_ptr<GatewayProcess> gateway_;
};

TEST_CASE("gateway e2e: every HttpRule form reaches its method over HTTPS", "[e2e][gateway]") {
  Stack s;
  auto post = s.Send("POST", "/v1/echo", R"({"message":"salam"})");
  REQUIRE(post.status == 200);
  CHECK(post.header("content-type") == "application/json");
  CHECK(Str(Json(post.body), "message") == "salam");

  auto additional = s.Get("/v1/echo/bonjour%20le%20monde");
  REQUIRE(additional.status == 200);
  CHECK(Str(Json(additional.body), "message") == "bonjour le monde");

  auto get = s.Get("/v1/things/t%2F1");
  REQUIRE(get.status == 200);
  auto thing = Json(get.body);
  CHECK(Str(thing, "name") == "things/t/1");
  CHECK(Str(thing, "count") == "9007199254740993");
  CHECK(Str(thing, "color") == "GREEN");

  auto patch = s.Send("PATCH", "/v1/things/t1", R"({"tags":["a","b"],"ratio":0.5})",
                      {{"Idempotency-Key", "patch-1"}});
  REQUIRE(patch.status == 200);
  auto patched = Json(patch.body);
  CHECK(Str(patched, "name") == "things/t1");
  CHECK(Str(patched, "id") == "patch-1");
  CHECK(patched.fields().at("tags").list_value().values_size() == 2);

  auto put = s.Send("PUT", "/v1/shelves/42", R"({"name":"shelf"})");
  REQUIRE(put.status == 200);
  CHECK(Str(Json(put.body), "id") == "42");

  auto del = s.Send("DELETE", "/v1/things/t1", "");
  REQUIRE(del.status == 200);
  CHECK(Str(Json(del.body), "name") == "deleted:things/t1");

  auto verb = s.Send("POST", "/v1/things/t1:activate", "{}");
  REQUIRE(verb.status == 200);
  CHECK(Json(verb.body).fields().at("active").bool_value());

  auto list = s.Get("/v1/things?tags=a&tags=b&color=RED&filter.f=x&minCount=12&active=true&ids=7");
  REQUIRE(list.status == 200);
  REQUIRE(list.body.front() == '[');  // response_body: the repeated field itself
  CHECK(list.body.find(R"("color":"RED")") != std::string::npos);
  CHECK(list.body.find(R"("count":"12")") != std::string::npos);
  CHECK(list.body.find(R"("id":"7")") != std::string::npos);

  auto file = s.Get("/v1/files/actes/2026/12.pdf");
  REQUIRE(file.status == 200);
  CHECK(Str(Json(file.body), "name") == "actes/2026/12.pdf");

  auto custom = s.Send("SEARCH", "/v1/things", R"({"tags":["z"],"pageSize":3})");
  REQUIRE(custom.status == 200);
  CHECK(Str(Json(custom.body), "nextPageToken") == "after-3");

  auto stream = s.Get("/v1/things:watch?pageSize=3");
  REQUIRE(stream.status == 200);
  CHECK(stream.header("content-type") == "application/x-ndjson");
  std::vector<std::string> lines = absl::StrSplit(stream.body, '\n', absl::SkipEmpty());
  REQUIRE(lines.size() == 3);
  CHECK(Str(Json(lines[2]), "name") == "things/2");
}

TEST_CASE("gateway e2e: a failing stream ends with an error line", "[e2e][gateway]") {
  Stack s;
  auto stream = s.Get("/v1/things:watch?pageSize=5&filter.f=fail");
  REQUIRE(stream.status == 200);
  std::vector<std::string> lines = absl::StrSplit(stream.body, '\n', absl::SkipEmpty());
  REQUIRE(lines.size() == 3);
  auto last = Json(lines[2]);
  REQUIRE(last.fields().count("error") == 1);
  CHECK(last.fields().at("error").struct_value().fields().at("code").number_value() == 10);
}

TEST_CASE("gateway e2e: unknown paths are 404, wrong methods 405 with Allow", "[e2e][gateway]") {
  Stack s;
  auto none = s.Get("/v1/nothing/here");
  CHECK(none.status == 404);
  CHECK(Json(none.body).fields().at("code").number_value() == 5);
  auto wrong = s.Send("PUT", "/v1/things/t1", "{}");
  CHECK(wrong.status == 405);
  CHECK(absl::StrContains(wrong.header("allow"), "GET"));
  CHECK(absl::StrContains(wrong.header("allow"), "PATCH"));
  CHECK(s.Get("/v1/things/%zz").status == 400);
}

TEST_CASE("gateway e2e: every gRPC status maps to its HTTP status with the service's details",
          "[e2e][gateway]") {
  Stack s;
  const std::map<int, int> expected = {{1, 499},  {2, 500},  {4, 504},  {5, 404},  {6, 409},
                                       {7, 403},  {8, 429},  {9, 400},  {10, 409}, {11, 400},
                                       {12, 501}, {13, 500}, {14, 503}, {15, 500}, {16, 401}};
  for (const auto& [code, http] : expected) {
    auto r = s.Send("POST", "/v1/fail", absl::StrCat(R"({"code":)", code, R"(,"reason":"r"})"));
    INFO("grpc code " << code << ": " << r.body);
    CHECK(r.status == http);
    auto body = Json(r.body);
    CHECK(body.fields().at("code").number_value() == code);
    CHECK(Str(body, "message") == "r");
    REQUIRE(body.fields().at("details").list_value().values_size() == 1);
    CHECK(body.fields()
              .at("details")
              .list_value()
              .values(0)
              .struct_value()
              .fields()
              .at("reason")
              .string_value() == "TEST_FAILURE");
    if (http == 401) {
      CHECK_FALSE(r.header("www-authenticate").empty());
    }
    if (http == 429 || http == 503) {
      CHECK_FALSE(r.header("retry-after").empty());
    }
  }
  auto invalid =
      s.Send("POST", "/v1/fail", R"({"field":"child.birthDate","reason":"in the future"})");
  CHECK(invalid.status == 400);
  CHECK(absl::StrContains(invalid.body, R"("field":"child.birthDate")"));
  CHECK(absl::StrContains(invalid.body, "google.rpc.BadRequest"));
}

TEST_CASE("gateway e2e: errors speak French or Arabic as Accept-Language asks, reasons unchanged",
          "[e2e][gateway]") {
  Stack s;
  auto localized = [](const HttpResult& r) {
    const google::protobuf::Struct body = Json(r.body);
    for (const auto& d : body.fields().at("details").list_value().values()) {
      const auto& f = d.struct_value().fields();
      if (f.at("@type").string_value() == "type.googleapis.com/google.rpc.LocalizedMessage") {
        return std::make_pair(f.at("locale").string_value(), f.at("message").string_value());
      }
    }
    return std::make_pair(std::string(), std::string());
  };
  // The gateway's own error: the route's reason in French.
  auto none = s.Get("/v1/nothing/here", {{"Accept-Language", "fr-MA,fr;q=0.9,en;q=0.5"}});
  CHECK(none.status == 404);
  CHECK(none.header("content-language") == "fr");
  CHECK(absl::StrContains(none.header("vary"), "Accept-Language"));
  CHECK(localized(none) ==
        std::make_pair(std::string("fr"),
                       std::string("Cette adresse ne correspond à aucune opération.")));
  CHECK(absl::StrContains(none.body, R"("reason":"ROUTE_NOT_FOUND")"));
  CHECK(absl::StartsWith(Str(Json(none.body), "message"), "no route for GET"));
  // A service's invalid argument in Arabic: the code's message and the fields to correct.
  auto invalid =
      s.Send("POST", "/v1/fail", R"({"field":"child.birthDate","reason":"in the future"})",
             {{"Accept-Language", "ar"}});
  CHECK(invalid.status == 400);
  CHECK(invalid.header("content-language") == "ar");
  CHECK(localized(invalid).second ==
        "يحتوي الطلب على بيانات غير صالحة. الحقول الواجب تصحيحها: child.birthDate.");
  CHECK(absl::StrContains(invalid.body, R"("field":"child.birthDate")"));
  // No preference, or English: the message as the service wrote it, and nothing more.
  auto english = s.Get("/v1/nothing/here", {{"Accept-Language", "en-GB, fr;q=0.8"}});
  CHECK(localized(english).first.empty());
  CHECK(english.header("content-language").empty());
  CHECK(localized(s.Get("/v1/nothing/here")).first.empty());
}

TEST_CASE("gateway e2e: malformed input is 400 naming the field, nothing reaches the service",
          "[e2e][gateway]") {
  Stack s;
  auto unknown = s.Send("POST", "/v1/echo", R"({"mesage":"typo"})");
  CHECK(unknown.status == 400);
  CHECK(absl::StrContains(unknown.body, R"("field":"mesage")"));
  auto malformed = s.Send("POST", "/v1/echo", R"({"message": )");
  CHECK(malformed.status == 400);
  auto utf8 = s.Send("POST", "/v1/echo", "{\"message\":\"\xc3\x28\"}");
  CHECK(utf8.status == 400);
  auto type = s.Send("POST", "/v1/echo", R"({"delayMs":"soon"})");
  CHECK(type.status == 400);
  CHECK(absl::StrContains(type.body, R"("field":"delay_ms")"));
  auto query = s.Get("/v1/things?color=PURPLE");
  CHECK(query.status == 400);
  CHECK(absl::StrContains(query.body, R"("field":"color")"));
}

TEST_CASE("gateway e2e: a 2 MiB body is refused with 413", "[e2e][gateway]") {
  Stack s;
  std::string big = R"({"message":")" + std::string(2 * 1024 * 1024, 'x') + R"("})";
  auto r = s.Send("POST", "/v1/echo", big);
  CHECK(r.status == 413);
  CHECK(Json(r.body).fields().at("code").number_value() == 3);
  // The stable reason the README promises, and the field.
  CHECK(absl::StrContains(r.body, R"("reason":"BODY_TOO_LARGE")"));
  CHECK(absl::StrContains(r.body, R"("field":"body")"));
}

TEST_CASE("gateway e2e: a slow client cannot hold a connection", "[e2e][gateway]") {
  Stack s({"--header_timeout", "1s"});
  absl::Time start = absl::Now();
  std::string answer =
      RawExchange(s.http(), "GET /v1/ping HTTP/1.1\r\nHost: localhost\r\nX-Slow: ", 10);
  absl::Duration held = absl::Now() - start;
  CHECK(held < absl::Seconds(5));
  CHECK_FALSE(absl::StrContains(answer, "200 OK"));
  // The gateway still serves everyone else.
  CHECK(HttpCall(s.http(), "GET", "/v1/ping").status == 200);
}

TEST_CASE("gateway e2e: oversized headers are 431", "[e2e][gateway]") {
  Stack s;
  auto r = HttpCall(s.https(), "GET", "/v1/ping", {{"X-Padding", std::string(20000, 'p')}});
  CHECK(r.status == 431);
  CHECK(absl::StrContains(r.body, "HEADERS_TOO_LARGE"));
}

TEST_CASE("gateway e2e: idle keep-alive connections are closed after the idle timeout",
          "[e2e][gateway]") {
  Stack s({"--idle_timeout", "1s"});
  absl::Time start = absl::Now();
  std::string answer =
      RawExchange(s.http(), "GET /v1/ping HTTP/1.1\r\nHost: localhost\r\n\r\n", 10);
  absl::Duration held = absl::Now() - start;
  CHECK(absl::StrContains(answer, "200 OK"));  // answered, kept alive...
  CHECK(held >= absl::Milliseconds(900));      // ...then closed once idle for 1 s
  CHECK(held < absl::Seconds(5));
}

TEST_CASE("gateway e2e: connections beyond the maximum are refused, the others served",
          "[e2e][gateway]") {
  Stack s({"--max_connections", "2"});
  // Two silent connections take both places.
  std::vector<std::unique_ptr<Subprocess>> holders;
  for (int i = 0; i < 2; ++i) {
    holders.push_back(std::make_unique<Subprocess>(std::vector<std::string>{
        "/bin/bash", "-c",
        absl::StrCat("exec 3<>/dev/tcp/127.0.0.1/", s.http().port, "; sleep 30")}));
  }
  absl::SleepFor(absl::Milliseconds(500));
  std::string refused = RawExchange(
      s.http(), "GET /v1/ping HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", 5);
  CHECK_FALSE(absl::StrContains(refused, "200 OK"));
  holders.clear();  // they go away: the gateway serves again
  CHECK(Eventually([&] { return HttpCall(s.http(), "GET", "/v1/ping").status == 200; },
                   absl::Seconds(10)));
}

TEST_CASE("gateway e2e: tokens: missing, expired, valid, and public methods", "[e2e][gateway]") {
  Stack s;
  auto missing = s.Get("/v1/things/t1", {{"no-token", "1"}});
  CHECK(missing.status == 401);
  CHECK(absl::StartsWith(missing.header("www-authenticate"), "Bearer"));
  CHECK(absl::StrContains(missing.body, "TOKEN_MISSING"));
  std::string expired = s.Token(absl::Minutes(5), absl::Now() - absl::Hours(2));
  auto old = s.Get("/v1/things/t1", {{"Authorization", "Bearer " + expired}});
  CHECK(old.status == 401);
  CHECK(absl::StrContains(old.body, "TOKEN_EXPIRED"));
  CHECK(absl::StrContains(old.header("www-authenticate"), "invalid_token"));
  auto garbage = s.Get("/v1/things/t1", {{"Authorization", "Bearer abc.def.ghi"}});
  CHECK(garbage.status == 401);
  auto ok = s.Get("/v1/things/t1");
  CHECK(ok.status == 200);
  CHECK(ok.header("cache-control") == "no-store");
  auto anonymous = s.Get("/v1/ping", {{"no-token", "1"}});
  CHECK(anonymous.status == 200);
  CHECK(Str(Json(anonymous.body), "status") == "pong");
  auto echo = s.Send("POST", "/v1/echo", R"({"message":"x"})");
  CHECK(Str(Json(echo.body), "subject") == "bearer");  // the token travels to the service
}

TEST_CASE("gateway e2e: rate limits answer 429 with Retry-After", "[e2e][gateway]") {
  Stack s({"--anonymous_burst", "3", "--anonymous_rate", "1"});
  int ok = 0;
  HttpResult last;
  for (int i = 0; i < 4; ++i) {
    last = HttpCall(s.https(), "GET", "/v1/ping");
    ok += last.status == 200 ? 1 : 0;
  }
  CHECK(ok == 3);
  CHECK(last.status == 429);
  CHECK(last.header("retry-after") == "1");
  CHECK(absl::StrContains(last.body, "RATE_LIMITED"));
}

TEST_CASE("gateway e2e: with Redis away the gateway keeps serving and counts it",
          "[e2e][gateway]") {
  Stack s({"--redis_address", absl::StrCat("127.0.0.1:", FreePort()), "--anonymous_burst", "1"});
  for (int i = 0; i < 5; ++i) {
    CHECK(HttpCall(s.https(), "GET", "/v1/ping").status == 200);
  }
  CHECK(absl::StrContains(s.Metrics(), "zp_gateway_ratelimit_errors_total 5"));
}

TEST_CASE("gateway e2e: Idempotency-Key reaches the service as request_id", "[e2e][gateway]") {
  Stack s;
  auto first = s.Send("POST", "/v1/echo", R"({"message":"m"})", {{"Idempotency-Key", "k-123"}});
  auto again = s.Send("POST", "/v1/echo", R"({"message":"m"})", {{"Idempotency-Key", "k-123"}});
  CHECK(Str(Json(first.body), "idempotencyKey") == "k-123");
  CHECK(Str(Json(again.body), "idempotencyKey") == "k-123");
  auto conflict = s.Send("POST", "/v1/echo", R"({"message":"m","requestId":"other"})",
                         {{"Idempotency-Key", "k-123"}});
  CHECK(conflict.status == 400);
  CHECK(absl::StrContains(conflict.body, R"("field":"request_id")"));
}

TEST_CASE("gateway e2e: request id and trace context travel both ways", "[e2e][gateway]") {
  Stack s;
  auto given = s.Send("POST", "/v1/echo", R"({"message":"m"})",
                      {{"X-Request-Id", "req-abc-1"},
                       {"traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}});
  CHECK(given.header("x-request-id") == "req-abc-1");
  auto body = Json(given.body);
  CHECK(Str(body, "requestId") == "req-abc-1");
  CHECK(Str(body, "traceId") == "4bf92f3577b34da6a3ce929d0e0e4736");
  CHECK(absl::StrContains(given.header("traceparent"), "4bf92f3577b34da6a3ce929d0e0e4736"));
  auto generated = s.Send("POST", "/v1/echo", R"({"message":"m"})");
  CHECK(generated.header("x-request-id").size() == 36);
  CHECK(Str(Json(generated.body), "requestId") == generated.header("x-request-id"));
  CHECK(Str(Json(generated.body), "traceId").size() == 32);
}

TEST_CASE("gateway e2e: CORS and security headers", "[e2e][gateway]") {
  Stack s;
  auto preflight = HttpCall(
      s.https(), "OPTIONS", "/v1/echo",
      {{"Origin", "https://portail.zeropapier.ma"}, {"Access-Control-Request-Method", "POST"}});
  CHECK(preflight.status == 204);
  CHECK(preflight.header("access-control-allow-origin") == "https://portail.zeropapier.ma");
  CHECK(absl::StrContains(preflight.header("access-control-allow-headers"), "Idempotency-Key"));
  auto foreign =
      HttpCall(s.https(), "OPTIONS", "/v1/echo",
               {{"Origin", "https://evil.example"}, {"Access-Control-Request-Method", "POST"}});
  CHECK(foreign.header("access-control-allow-origin").empty());
  auto r = s.Get("/v1/things/t1", {{"Origin", "https://portail.zeropapier.ma"}});
  CHECK(r.header("access-control-allow-origin") == "https://portail.zeropapier.ma");
  CHECK(r.header("x-content-type-options") == "nosniff");
  CHECK(absl::StartsWith(r.header("strict-transport-security"), "max-age="));
  CHECK(HttpCall(s.http(), "GET", "/v1/ping").header("strict-transport-security").empty());
}

TEST_CASE("gateway e2e: health, readiness, OpenAPI and metrics", "[e2e][gateway]") {
  Stack s;
  CHECK(HttpCall(s.https(), "GET", "/healthz").status == 200);
  auto ready = HttpCall(s.https(), "GET", "/readyz");
  CHECK(ready.status == 200);
  CHECK(Str(Json(ready.body), "status") == "SERVING");
  auto openapi = HttpCall(s.https(), "GET", "/openapi.json");
  REQUIRE(openapi.status == 200);
  CHECK(Json(openapi.body).fields().at("paths").struct_value().fields().count("/v1/{name}") == 1);
  s.Get("/v1/things/t1");
  s.Get("/v1/things:watch?pageSize=2");
  // A stream is counted when the gateway has closed it, which may follow the last byte read.
  std::string metrics = s.Metrics();
  for (int i = 0; i < 50 && !absl::StrContains(metrics, "route=\"GET /v1/things:watch\""); ++i) {
    absl::SleepFor(absl::Milliseconds(100));
    metrics = s.Metrics();
  }
  CHECK(absl::StrContains(metrics, "route=\"GET /v1/things:watch\""));  // streams are counted
  CHECK(absl::StrContains(
      metrics,
      "zp_http_requests_total{code=\"200\",method=\"GET\",route=\"GET /v1/{name=things/*}\"}"));
  CHECK(absl::StrContains(metrics, "zp_grpc_client_handled_total"));
}

TEST_CASE("gateway e2e: readiness fails when an upstream is down", "[e2e][gateway]") {
  Secrets secrets;
  int http_port = FreePort();
  Subprocess gateway({BinaryDir() + "/tests/zp-gateway-testing", "--https_address", "",
                      "--http_address", absl::StrCat("127.0.0.1:", http_port), "--metrics_address",
                      "", "--jwks_file", secrets.jwks(), "--upstreams",
                      absl::StrCat("zp.testing.v1.EchoService=127.0.0.1:", FreePort()),
                      "--log_level", "warn"});
  HttpTarget http{"127.0.0.1", http_port, false, ""};
  REQUIRE(Eventually([&] { return HttpCall(http, "GET", "/healthz").status == 200; },
                     absl::Seconds(20)));
  auto ready = HttpCall(http, "GET", "/readyz");
  CHECK(ready.status == 503);
  CHECK(absl::StrContains(ready.body, "zp.testing.v1.EchoService"));
  auto call = HttpCall(http, "GET", "/v1/ping");
  CHECK(call.status == 503);
  CHECK_FALSE(call.header("retry-after").empty());
}

TEST_CASE("gateway e2e: a gateway that cannot start fails the wait at once", "[e2e][gateway]") {
  Secrets secrets;
  // Its HTTPS port is held by a listener of the test's own: the gateway cannot bind it and exits.
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(FreePort()));
  REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0);
  REQUIRE(listen(fd, 1) == 0);
  GatewayProcess gateway(secrets, "zp.testing.v1.EchoService=127.0.0.1:1",
                         {"--https_address", absl::StrCat("127.0.0.1:", ntohs(addr.sin_port))});
  const absl::Time start = absl::Now();
  CHECK_FALSE(gateway.WaitHealthy(absl::Seconds(60)));
  CHECK(absl::Now() - start < absl::Seconds(30));  // not the timeout: the exit was seen
  CHECK_FALSE(gateway.running());
  close(fd);
}

}  // namespace
}  // namespace zp::testing

namespace zp::testing {
namespace {

TEST_CASE("gateway e2e: the production gateway routes the platform's services only",
          "[e2e][gateway]") {
  Secrets secrets;
  const std::string log = secrets.dir + "/production-gateway.log";
  Subprocess gateway({BinaryDir() + "/gateway/zp-gateway", "--https_address", "", "--http_address",
                      absl::StrCat("127.0.0.1:", FreePort()), "--metrics_address", "",
                      "--jwks_file", secrets.jwks(), "--upstreams",
                      "zp.testing.v1.EchoService=127.0.0.1:1", "--log_level", "warn"},
                     {}, log);
  // The test-only echo service is not linked in: the gateway refuses to start with it.
  REQUIRE(Eventually([&] { return !gateway.running(); }, absl::Seconds(10)));
  CHECK(absl::StrContains(core::ReadFile(log).value_or(""), "unknown upstream service"));
}

}  // namespace
}  // namespace zp::testing
