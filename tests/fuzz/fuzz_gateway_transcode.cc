// The gateway's request path from outside input to a gRPC request: route matching on the method
// and target, then query parameters and JSON body into the request message.
// Input: "METHOD /path?query\n<body>".
#include <cstddef>
#include <cstdint>
#include <string>

#include "gateway/src/linked_services.h"
#include "gateway/src/route_table.h"
#include "gateway/src/transcoder.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static auto* routes = zp::gateway::RouteTable::Build(zp::gateway::LinkedServices())->release();
  std::string input(reinterpret_cast<const char*>(data), size);
  size_t newline = input.find('\n');
  std::string line = input.substr(0, newline);
  std::string body = newline == std::string::npos ? "" : input.substr(newline + 1);
  size_t space = line.find(' ');
  if (space == std::string::npos) {
    return 0;
  }
  std::string method = line.substr(0, space);
  std::string target = line.substr(space + 1);
  size_t q = target.find('?');
  std::string path = target.substr(0, q);
  std::string query = q == std::string::npos ? "" : target.substr(q + 1);
  zp::gateway::RouteMatch match = routes->Match(method, path);
  if (match.outcome != zp::gateway::MatchOutcome::kMatched) {
    return 0;
  }
  auto request = zp::gateway::BuildRequest(*match.route, match.bindings, query, body,
                                           zp::gateway::TranscodeOptions());
  if (request.ok()) {
    (void)zp::gateway::ApplyIdempotencyKey(**request, "key");
    (void)(*request)->SerializeAsString();
  }
  return 0;
}
