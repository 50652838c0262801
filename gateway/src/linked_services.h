#pragma once

#include <vector>

#include "google/protobuf/descriptor.h"

namespace zp::gateway {

// The platform's gRPC services whose protos the gateway routes (referencing each file here also
// keeps the linker from dropping it).
std::vector<const google::protobuf::ServiceDescriptor*> PlatformServices();

// Every gRPC service linked into this binary, and so allowed in --upstreams. Defined once per
// binary: zp-gateway links the platform's only (platform_services.cc); the tests' gateway adds
// their echo service (tests/support/testing_services.cc).
std::vector<const google::protobuf::ServiceDescriptor*> LinkedServices();

}  // namespace zp::gateway
