#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <future>
#include <string>

#include "absl/strings/str_cat.h"
#include "gateway/src/upstreams.h"

namespace zp::gateway {
namespace {

// A TCP port that accepts connections (the kernel's backlog) and never speaks HTTP/2: calls to
// it stay in flight until their deadline.
class SilentListener {
 public:
  SilentListener() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    REQUIRE(bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0);
    REQUIRE(listen(fd_, 16) == 0);
    socklen_t len = sizeof(addr);
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
  }
  ~SilentListener() { close(fd_); }
  std::string address() const { return absl::StrCat("127.0.0.1:", port_); }

 private:
  int fd_ = -1;
  int port_ = 0;
};

TEST_CASE("upstreams: shutdown ends calls in flight and refuses new ones", "[gateway]") {
  SilentListener silent;
  Upstreams upstreams(nullptr, 2, 2);
  upstreams.Add("zp.testing.v1.EchoService", silent.address());

  std::promise<UpstreamReply> in_flight;
  upstreams.Unary("zp.testing.v1.EchoService", "/zp.testing.v1.EchoService/Echo", "", {},
                  absl::Now() + absl::Minutes(5),
                  [&](UpstreamReply reply) { in_flight.set_value(std::move(reply)); });
  auto answer = in_flight.get_future();
  CHECK(answer.wait_for(std::chrono::milliseconds(200)) == std::future_status::timeout);

  const absl::Time start = absl::Now();
  upstreams.Shutdown();  // returns once every callback has run
  REQUIRE(answer.wait_for(std::chrono::seconds(0)) == std::future_status::ready);
  CHECK(answer.get().status.error_code() == grpc::StatusCode::CANCELLED);
  CHECK(absl::Now() - start < absl::Minutes(1));  // not the call's five-minute deadline

  std::promise<UpstreamReply> late;
  upstreams.Unary("zp.testing.v1.EchoService", "/zp.testing.v1.EchoService/Echo", "", {},
                  absl::Now() + absl::Minutes(5),
                  [&](UpstreamReply reply) { late.set_value(std::move(reply)); });
  UpstreamReply refused = late.get_future().get();
  CHECK(refused.status.error_code() == grpc::StatusCode::UNAVAILABLE);
  CHECK(refused.status.error_message() == "gateway shutting down");
  upstreams.Shutdown();  // a second time: nothing left to do
}

TEST_CASE("upstreams: a service nobody serves is UNAVAILABLE at once", "[gateway]") {
  Upstreams upstreams;
  std::promise<UpstreamReply> reply;
  upstreams.Unary("zp.nothing.v1.Nothing", "/zp.nothing.v1.Nothing/Get", "", {},
                  absl::Now() + absl::Seconds(5),
                  [&](UpstreamReply r) { reply.set_value(std::move(r)); });
  CHECK(reply.get_future().get().status.error_code() == grpc::StatusCode::UNAVAILABLE);
}

}  // namespace
}  // namespace zp::gateway
