#include "zp/rpc/access_log.h"

#include <chrono>
#include <string>

#include "zp/log/log.h"
#include "zp/metrics/interceptors.h"
#include "zp/rpc/metadata.h"

namespace zp::rpc {
namespace {

using grpc::experimental::InterceptionHookPoints;

bool IsServerFault(grpc::StatusCode code) {
  return code == grpc::StatusCode::UNKNOWN || code == grpc::StatusCode::INTERNAL ||
         code == grpc::StatusCode::UNAVAILABLE || code == grpc::StatusCode::DATA_LOSS ||
         code == grpc::StatusCode::DEADLINE_EXCEEDED;
}

class AccessLogInterceptor final : public grpc::experimental::Interceptor {
 public:
  explicit AccessLogInterceptor(std::string method)
      : method_(std::move(method)), start_(std::chrono::steady_clock::now()) {}

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_INITIAL_METADATA)) {
      auto* md = methods->GetRecvInitialMetadata();
      if (auto it = md->find(kRequestIdHeader); it != md->end()) {
        context_.request_id.assign(it->second.data(), it->second.size());
      }
      if (auto it = md->find(kTraceparentHeader); it != md->end()) {
        context_.trace_id =
            log::TraceIdFromTraceparent(absl::string_view(it->second.data(), it->second.size()));
      }
    }
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      grpc::Status status = methods->GetSendStatus();
      double ms =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start_)
              .count();
      log::ScopedContext scope(context_);
      auto level = IsServerFault(status.error_code()) ? spdlog::level::warn : spdlog::level::info;
      spdlog::log(level, "rpc {} {} {:.1f}ms{}{}", method_,
                  metrics::StatusCodeName(status.error_code()), ms, status.ok() ? "" : ": ",
                  status.error_message());
    }
    methods->Proceed();
  }

 private:
  std::string method_;
  std::chrono::steady_clock::time_point start_;
  log::Context context_;
};

}  // namespace

grpc::experimental::Interceptor* AccessLogInterceptorFactory::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* info) {
  return new AccessLogInterceptor(info->method());
}

}  // namespace zp::rpc
