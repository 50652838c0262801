#include <grpcpp/create_channel.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/client_interceptor.h>

#include <catch2/catch.hpp>
#include <future>
#include <thread>

#include "absl/strings/str_cat.h"
#include "tests/support/keys.h"
#include "tests/support/secrets.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_env.h"
#include "zp/auth/jwk.h"
#include "zp/core/status.h"
#include "zp/metrics/interceptors.h"
#include "zp/rpc/method.h"
#include "zp/rpc/server.h"
#include "zp/testing/v1/echo.grpc.pb.h"

namespace zp::rpc {
namespace {

using zp::testing::v1::EchoRequest;
using zp::testing::v1::EchoResponse;
using zp::testing::v1::EchoService;

// The user-facing service: every call needs a valid bearer token.
class UserEcho final : public EchoService::Service {
 public:
  explicit UserEcho(const auth::JwtVerifier& verifier) : verifier_(verifier) {}
  grpc::Status Echo(grpc::ServerContext* ctx, const EchoRequest* req, EchoResponse* resp) override {
    auto call = CallerOf(ctx, Access::kToken, &verifier_);
    if (!call.ok()) {
      return core::ToGrpcStatus(call.status());
    }
    if (req->delay_ms() > 0) {
      absl::SleepFor(absl::Milliseconds(req->delay_ms()));
    }
    resp->set_message(req->message());
    resp->set_subject(call->principal.subject);
    resp->set_request_id(call->request_id);
    resp->set_trace_id(call->trace_id);
    return grpc::Status::OK;
  }
  grpc::Status Fail(grpc::ServerContext*, const zp::testing::v1::FailRequest* req,
                    EchoResponse*) override {
    return core::ToGrpcStatus(core::InvalidArgumentError(req->field(), req->reason()));
  }

 private:
  const auth::JwtVerifier& verifier_;
};

// The partner-facing service: the caller is the partner named by its client certificate.
class PartnerEcho final : public EchoService::Service {
 public:
  grpc::Status Echo(grpc::ServerContext* ctx, const EchoRequest* req, EchoResponse* resp) override {
    auto call = CallerOf(ctx, Access::kPartner, nullptr);
    if (!call.ok()) {
      return core::ToGrpcStatus(call.status());
    }
    resp->set_message(req->message());
    resp->set_partner(call->principal.partner);
    return grpc::Status::OK;
  }
};

struct Harness {
  zp::testing::Secrets secrets;
  zp::testing::EcKeyPair key = zp::testing::GenerateEcKeyPair();
  std::unique_ptr<auth::JwtVerifier> verifier;
  std::unique_ptr<auth::JwtSigner> signer = *auth::JwtSigner::FromPem(key.private_pem, "k1");
  metrics::Metrics metrics{"echo"};
  std::unique_ptr<UserEcho> user;
  PartnerEcho partner;
  std::atomic<bool> database_up{false};
  std::unique_ptr<Server> server;

  Harness() {
    auth::v1::JsonWebKeySet set;
    *set.add_keys() = *auth::JwkFromPem(key.public_pem, "k1");
    verifier = *auth::JwtVerifier::FromJwks(auth::JwksToJson(set), auth::JwtOptions());
    user = std::make_unique<UserEcho>(*verifier);
    ServerOptions options;
    options.service_name = "echo";
    options.listen_address = "127.0.0.1:0";
    options.partner_address = "127.0.0.1:0";
    options.partner_tls = {secrets.tls("server.crt"), secrets.tls("server.key"),
                           secrets.tls("partners-ca.crt")};
    options.readiness_interval = absl::Milliseconds(50);
    options.drain_timeout = absl::Seconds(5);
    options.readiness_check = [this] {
      return database_up ? absl::OkStatus() : absl::UnavailableError("database down");
    };
    server = std::make_unique<Server>(options, metrics);
    server->AddService(user.get());
    server->AddPartnerService(&partner);
    REQUIRE(server->Start().ok());
  }

  std::shared_ptr<grpc::Channel> Internal() {
    return grpc::CreateChannel(absl::StrCat("127.0.0.1:", server->port()),
                               grpc::InsecureChannelCredentials());
  }
  std::shared_ptr<grpc::Channel> Partner(const std::string& cert, const std::string& key) {
    auto creds = *MutualTlsChannelCredentials({cert, key, secrets.tls("ca.crt")});
    grpc::ChannelArguments args;
    args.SetSslTargetNameOverride("localhost");
    return grpc::CreateCustomChannel(absl::StrCat("127.0.0.1:", server->partner_port()), creds,
                                     args);
  }
  std::string Token() {
    auth::TokenClaims claims;
    claims.subject = "agent-1";
    claims.roles = {"agent"};
    return *signer->Sign(claims);
  }
};

// grpc.health.v1.Health/Check through the generic stub (the health proto's C++ is not packaged):
// the response is one enum field, 1 = SERVING, 2 = NOT_SERVING; 0 when the call fails.
enum HealthStatus { kUnknown = 0, kServing = 1, kNotServing = 2 };
int Health(std::shared_ptr<grpc::Channel> channel) {
  grpc::GenericStub stub(channel);
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(2));
  grpc::Slice empty("");
  grpc::ByteBuffer request(&empty, 1);
  grpc::ByteBuffer response;
  std::promise<grpc::Status> done;
  stub.UnaryCall(&ctx, "/grpc.health.v1.Health/Check", grpc::StubOptions(), &request, &response,
                 [&](grpc::Status s) { done.set_value(s); });
  if (!done.get_future().get().ok()) {
    return kUnknown;
  }
  std::vector<grpc::Slice> slices;
  (void)response.Dump(&slices);
  std::string bytes;
  for (const auto& slice : slices) {
    bytes.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  }
  return bytes.size() == 2 && bytes[0] == 0x08 ? static_cast<int>(bytes[1]) : int{kUnknown};
}

TEST_CASE("rpc: health is NOT_SERVING until the readiness check passes", "[integration][rpc]") {
  Harness h;
  CHECK(Health(h.Internal()) == kNotServing);
  h.database_up = true;
  CHECK(
      zp::testing::Eventually([&] { return Health(h.Internal()) == kServing; }, absl::Seconds(5)));
  h.database_up = false;
  CHECK(zp::testing::Eventually([&] { return Health(h.Internal()) == kNotServing; },
                                absl::Seconds(5)));
}

TEST_CASE("rpc: calls carry the principal, request id and trace id, and metrics count them",
          "[integration][rpc]") {
  Harness h;
  auto stub = EchoService::NewStub(h.Internal());
  {
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", "Bearer " + h.Token());
    ctx.AddMetadata("x-request-id", "req-123");
    ctx.AddMetadata("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    EchoRequest req;
    req.set_message("salam");
    EchoResponse resp;
    grpc::Status s = stub->Echo(&ctx, req, &resp);
    REQUIRE(s.ok());
    CHECK(resp.message() == "salam");
    CHECK(resp.subject() == "agent-1");
    CHECK(resp.request_id() == "req-123");
    CHECK(resp.trace_id() == "4bf92f3577b34da6a3ce929d0e0e4736");
  }
  {
    // A call that brings neither (a partner's, straight to the service) starts them here, so
    // that its events and audit rows lead back to it.
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", "Bearer " + h.Token());
    ctx.AddMetadata("traceparent", "not-a-traceparent");
    EchoResponse resp;
    REQUIRE(stub->Echo(&ctx, EchoRequest(), &resp).ok());
    CHECK(resp.request_id().size() == 36);
    CHECK(resp.trace_id().size() == 32);
    CHECK(resp.trace_id() != std::string(32, '0'));
  }
  {
    grpc::ClientContext ctx;  // no token
    EchoResponse resp;
    grpc::Status s = stub->Echo(&ctx, EchoRequest(), &resp);
    CHECK(s.error_code() == grpc::StatusCode::UNAUTHENTICATED);
    CHECK(core::ReasonOf(core::FromGrpcStatus(s)) == "TOKEN_MISSING");
  }
  {
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", "Bearer " + h.Token());
    zp::testing::v1::FailRequest req;
    req.set_field("birth_date");
    req.set_reason("must not be in the future");
    EchoResponse resp;
    grpc::Status s = stub->Fail(&ctx, req, &resp);
    CHECK(s.error_code() == grpc::StatusCode::INVALID_ARGUMENT);
    CHECK(core::FieldViolationsOf(core::FromGrpcStatus(s))[0].field == "birth_date");
  }
  std::string text = metrics::Render(h.metrics);
  CHECK(text.find("zp_grpc_server_handled_total{code=\"OK\",method=\"/zp.testing.v1.EchoService/"
                  "Echo\",service=\"echo\"} 2") != std::string::npos);
  CHECK(text.find("code=\"UNAUTHENTICATED\"") != std::string::npos);
  CHECK(text.find("code=\"INVALID_ARGUMENT\"") != std::string::npos);
  CHECK(text.find("zp_grpc_server_handling_seconds_count") != std::string::npos);
}

TEST_CASE("rpc: the partner port admits only verified partner certificates", "[integration][rpc]") {
  Harness h;
  EchoRequest req;
  req.set_message("payment");
  SECTION("TGR's certificate names the partner") {
    auto stub = EchoService::NewStub(
        h.Partner(h.secrets.tls("partners/tgr.crt"), h.secrets.tls("partners/tgr.key")));
    grpc::ClientContext ctx;
    EchoResponse resp;
    grpc::Status s = stub->Echo(&ctx, req, &resp);
    REQUIRE(s.ok());
    CHECK(resp.partner() == "tgr");
  }
  SECTION("Barid Al Maghrib's certificate names Barid") {
    auto stub = EchoService::NewStub(
        h.Partner(h.secrets.tls("partners/barid.crt"), h.secrets.tls("partners/barid.key")));
    grpc::ClientContext ctx;
    EchoResponse resp;
    REQUIRE(stub->Echo(&ctx, req, &resp).ok());
    CHECK(resp.partner() == "barid");
  }
  SECTION("no client certificate: the call never reaches the service") {
    auto stub = EchoService::NewStub(h.Partner("", ""));
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    EchoResponse resp;
    grpc::Status s = stub->Echo(&ctx, req, &resp);
    CHECK(s.error_code() == grpc::StatusCode::UNAVAILABLE);
  }
  SECTION("a certificate from another CA is refused") {
    auto stub =
        EchoService::NewStub(h.Partner(h.secrets.tls("server.crt"), h.secrets.tls("server.key")));
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    EchoResponse resp;
    CHECK(stub->Echo(&ctx, req, &resp).error_code() == grpc::StatusCode::UNAVAILABLE);
  }
  SECTION("the partner port serves only the partner services") {
    auto stub = EchoService::NewStub(
        h.Partner(h.secrets.tls("partners/tgr.crt"), h.secrets.tls("partners/tgr.key")));
    grpc::ClientContext ctx;
    EchoResponse resp;
    CHECK(stub->Fail(&ctx, zp::testing::v1::FailRequest(), &resp).error_code() ==
          grpc::StatusCode::UNIMPLEMENTED);
  }
}

TEST_CASE("rpc: oversized messages are refused and client calls are counted too",
          "[integration][rpc]") {
  Harness h;
  std::vector<std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>> interceptors;
  metrics::Metrics client_metrics("caller");
  interceptors.push_back(
      std::make_unique<metrics::ClientMetricsInterceptorFactory>(client_metrics));
  grpc::ChannelArguments args;
  args.SetMaxSendMessageSize(64 * 1024 * 1024);
  auto channel = grpc::experimental::CreateCustomChannelWithInterceptors(
      absl::StrCat("127.0.0.1:", h.server->port()), grpc::InsecureChannelCredentials(), args,
      std::move(interceptors));
  auto stub = EchoService::NewStub(channel);
  grpc::ClientContext ctx;
  ctx.AddMetadata("authorization", "Bearer " + h.Token());
  EchoRequest req;
  req.set_message(std::string(5 * 1024 * 1024, 'x'));  // over the 4 MiB default
  EchoResponse resp;
  CHECK(stub->Echo(&ctx, req, &resp).error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED);
  grpc::ClientContext ok_ctx;
  ok_ctx.AddMetadata("authorization", "Bearer " + h.Token());
  req.set_message("small");
  CHECK(stub->Echo(&ok_ctx, req, &resp).ok());
  std::string text = metrics::Render(client_metrics);
  CHECK(text.find("zp_grpc_client_handled_total{code=\"OK\",method=\"/zp.testing.v1.EchoService/"
                  "Echo\",service=\"caller\"} 1") != std::string::npos);
  CHECK(text.find("code=\"RESOURCE_EXHAUSTED\"") != std::string::npos);
}

TEST_CASE("rpc: shutdown drains in-flight calls and refuses new ones", "[integration][rpc]") {
  Harness h;
  h.database_up = true;
  auto stub = EchoService::NewStub(h.Internal());
  grpc::Status slow_status;
  std::thread slow([&] {
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", "Bearer " + h.Token());
    EchoRequest req;
    req.set_delay_ms(1000);
    EchoResponse resp;
    slow_status = stub->Echo(&ctx, req, &resp);
  });
  absl::SleepFor(absl::Milliseconds(300));
  h.server->Shutdown();
  slow.join();
  CHECK(slow_status.ok());
  CHECK_FALSE(h.server->serving());
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(2));
  EchoResponse resp;
  CHECK_FALSE(stub->Echo(&ctx, EchoRequest(), &resp).ok());
}

}  // namespace
}  // namespace zp::rpc
