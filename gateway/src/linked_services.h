#pragma once

#include <vector>

#include "google/protobuf/descriptor.h"

namespace zp::gateway {

// Every gRPC service whose protos are linked into the gateway (and so may be named in
// --upstreams). Referencing each file here also keeps the linker from dropping it.
std::vector<const google::protobuf::ServiceDescriptor*> LinkedServices();

}  // namespace zp::gateway
