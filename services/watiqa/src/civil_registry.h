#pragma once

// What WATIQA asks of SGEC, behind an interface: the gRPC client in production and tests that
// run SGEC, a fake in unit tests of the order logic.

#include <grpcpp/channel.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "zp/documents/v1/documents.pb.h"
#include "zp/service/service_token.h"
#include "zp/sgec/v1/sgec.grpc.pb.h"

namespace zp::watiqa {

class CivilRegistry {
 public:
  virtual ~CivilRegistry() = default;
  // Whether the user whose bearer token this is may order copies of the act (SGEC decides: own
  // act, minor child's act, staff of the act's territory). NOT_FOUND when not, or no such act.
  virtual absl::StatusOr<sgec::v1::CopyEntitlement> CheckEntitlement(
      const std::string& bearer_token, const sgec::v1::CheckCopyEntitlementRequest& request,
      const std::string& traceparent, absl::Time deadline) = 0;
  // Issues one signed copy on WATIQA's own account (idempotent on request.request_id), under a
  // token that grants this request only: SGEC prints nothing a paid order did not ask for.
  virtual absl::StatusOr<documents::v1::Document> IssueCopy(
      const sgec::v1::IssueCopyRequest& request, absl::Time deadline) = 0;
};

// SGEC over gRPC on one channel.
class GrpcCivilRegistry final : public CivilRegistry {
 public:
  GrpcCivilRegistry(std::shared_ptr<grpc::Channel> channel, service::ServiceToken& token)
      : stub_(sgec::v1::CivilRegistry::NewStub(std::move(channel))), token_(token) {}

  absl::StatusOr<sgec::v1::CopyEntitlement> CheckEntitlement(
      const std::string& bearer_token, const sgec::v1::CheckCopyEntitlementRequest& request,
      const std::string& traceparent, absl::Time deadline) override;
  absl::StatusOr<documents::v1::Document> IssueCopy(const sgec::v1::IssueCopyRequest& request,
                                                    absl::Time deadline) override;

 private:
  std::unique_ptr<sgec::v1::CivilRegistry::Stub> stub_;
  service::ServiceToken& token_;
};

}  // namespace zp::watiqa
