// The tests' gateway (zp-gateway-testing): the platform's services and the echo service that the
// gateway's end-to-end tests route to. The production zp-gateway does not link the echo proto.
#include "gateway/src/linked_services.h"
#include "zp/testing/v1/echo.pb.h"

namespace zp::gateway {

std::vector<const google::protobuf::ServiceDescriptor*> LinkedServices() {
  std::vector<const google::protobuf::ServiceDescriptor*> services = PlatformServices();
  const google::protobuf::FileDescriptor* echo = zp::testing::v1::EchoRequest::descriptor()->file();
  for (int i = 0; i < echo->service_count(); ++i) services.push_back(echo->service(i));
  return services;
}

}  // namespace zp::gateway
