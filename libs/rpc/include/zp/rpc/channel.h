#pragma once

// Channels to other zeropapier services (the gateway's upstreams, WATIQA's SGEC): one place, so
// that every caller reconnects and spreads its calls the same way.

#include <grpcpp/channel.h>
#include <grpcpp/support/channel_arguments.h>

#include <memory>
#include <string>

#include "zp/metrics/metrics.h"

namespace zp::rpc {

inline grpc::ChannelArguments ServiceChannelArguments() {
  grpc::ChannelArguments args;
  // A service that comes back (a restart, a new pod) is found within seconds, not after gRPC's
  // default backoff of up to two minutes.
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 250);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 5000);
  // An address that resolves to several pods (dns:/// of a headless Service) is used in turn.
  args.SetLoadBalancingPolicyName("round_robin");
  return args;
}

// A channel to the service at `address` (inside the cluster: plaintext), with these arguments;
// its calls counted and timed like every gRPC client's (zp_grpc_client_*).
std::shared_ptr<grpc::Channel> ServiceChannel(const std::string& address,
                                              metrics::Metrics& metrics);

}  // namespace zp::rpc
