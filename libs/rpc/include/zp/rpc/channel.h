#pragma once

// Channel arguments of a client of another zeropapier service (the gateway's upstreams, WATIQA's
// SGEC): one place, so that every caller reconnects and spreads its calls the same way.

#include <grpcpp/support/channel_arguments.h>

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

}  // namespace zp::rpc
