#include "zp/metrics/metrics.h"

#include <catch2/catch.hpp>

#include "zp/metrics/interceptors.h"

namespace zp::metrics {
namespace {

TEST_CASE("metrics: the shared families are registered under their documented names", "[metrics]") {
  Metrics m("sgec");
  m.grpc_server_handled()
      .Add({{"service", "sgec"}, {"method", "/x/Y"}, {"code", "OK"}})
      .Increment();
  m.db_pool_in_use().Set(3);
  std::string text = Render(m);
  CHECK(text.find("zp_grpc_server_handled_total{code=\"OK\",method=\"/x/Y\",service=\"sgec\"} 1") !=
        std::string::npos);
  CHECK(text.find("zp_db_pool_in_use{service=\"sgec\"} 3") != std::string::npos);
  CHECK(std::string(StatusCodeName(grpc::StatusCode::RESOURCE_EXHAUSTED)) == "RESOURCE_EXHAUSTED");
}

TEST_CASE("metrics: a taken port is an error, not an exception", "[metrics]") {
  Metrics m("x");
  auto first = Expose("127.0.0.1:0", m);
  REQUIRE(first.ok());
  auto ports = (*first)->GetListeningPorts();
  REQUIRE(!ports.empty());
  auto second = Expose("127.0.0.1:" + std::to_string(ports[0]), m);
  CHECK(second.status().code() == absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace zp::metrics
