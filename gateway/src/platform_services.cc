// The production gateway routes the platform's services, nothing else.
#include "gateway/src/linked_services.h"

namespace zp::gateway {

std::vector<const google::protobuf::ServiceDescriptor*> LinkedServices() {
  return PlatformServices();
}

}  // namespace zp::gateway
