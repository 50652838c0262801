// The test EchoService as a process, for the gateway benchmark. With --grpc_request_file it only
// writes a length-prefixed gRPC request body (for h2load) and exits.
#include <fstream>
#include <iostream>

#include "absl/synchronization/mutex.h"
#include "tests/e2e/echo_service.h"
#include "zp/core/config.h"
#include "zp/log/log.h"
#include "zp/rpc/server.h"
#include "zp/rpc/signals.h"

int main(int argc, char** argv) {
  zp::rpc::BlockTerminationSignals();
  // As the services' and the gateway's own mains: Debian's Abseil is built with deadlock
  // detection on, which every gRPC lock would otherwise pay for.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  std::vector<zp::core::Setting> settings = {
      {"address", "127.0.0.1:50199", "gRPC listen address"},
      {"grpc_request_file", "", "write an EchoRequest gRPC frame here and exit"},
      {"message", "", "message of that request"},
  };
  auto config = zp::core::Config::Parse(settings, argc, argv);
  if (!config.ok()) {
    std::cerr << config.status().message() << "\n";
    return 2;
  }
  if (!config->String("grpc_request_file").empty()) {
    zp::testing::v1::EchoRequest req;
    req.set_message(config->String("message"));
    std::string payload = req.SerializeAsString();
    std::string frame(5, '\0');
    for (int i = 0; i < 4; ++i) {
      frame[1 + i] = static_cast<char>((payload.size() >> (8 * (3 - i))) & 0xff);
    }
    std::ofstream(config->String("grpc_request_file"), std::ios::binary) << frame << payload;
    return 0;
  }
  zp::log::Init("echo", "warn");
  zp::metrics::Metrics metrics("echo");
  zp::rpc::ServerOptions options;
  options.service_name = "echo";
  options.listen_address = config->String("address");
  options.readiness_check = [] { return absl::OkStatus(); };
  zp::rpc::Server server(options, metrics);
  zp::testing::EchoServiceImpl echo;
  server.AddService(&echo);
  if (auto s = server.Start(); !s.ok()) {
    std::cerr << s.message() << "\n";
    return 1;
  }
  server.RunUntilSignal();
  return 0;
}
