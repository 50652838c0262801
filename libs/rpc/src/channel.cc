#include "zp/rpc/channel.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include "zp/metrics/interceptors.h"

namespace zp::rpc {

std::shared_ptr<grpc::Channel> ServiceChannel(const std::string& address,
                                              metrics::Metrics& metrics) {
  std::vector<std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(std::make_unique<metrics::ClientMetricsInterceptorFactory>(metrics));
  return grpc::experimental::CreateCustomChannelWithInterceptors(
      address, grpc::InsecureChannelCredentials(), ServiceChannelArguments(),
      std::move(interceptors));
}

}  // namespace zp::rpc
