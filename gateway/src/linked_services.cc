#include "gateway/src/linked_services.h"

#include "zp/chikaya/v1/chikaya.pb.h"
#include "zp/sgec/v1/sgec.pb.h"
#include "zp/watiqa/v1/watiqa.pb.h"
// new-service: includes above

namespace zp::gateway {

std::vector<const google::protobuf::ServiceDescriptor*> PlatformServices() {
  std::vector<const google::protobuf::FileDescriptor*> files = {
      zp::sgec::v1::Act::descriptor()->file(), zp::chikaya::v1::Complaint::descriptor()->file(),
      // Orders only: the partner services of this file have no HTTP routes.
      zp::watiqa::v1::Order::descriptor()->file(),
      // new-service: files above
  };
  std::vector<const google::protobuf::ServiceDescriptor*> services;
  for (const auto* file : files) {
    for (int i = 0; i < file->service_count(); ++i) {
      services.push_back(file->service(i));
    }
  }
  return services;
}

}  // namespace zp::gateway
