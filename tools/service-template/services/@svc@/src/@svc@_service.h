#pragma once

// The gRPC face of @Svc@: one row per method, who may call it and what serves it.

#include "services/@svc@/src/records.h"
#include "zp/@svc@/v1/@svc@.grpc.pb.h"
#include "zp/auth/jwt.h"
#include "zp/rpc/method.h"

namespace zp::@svc@ {

class @Svc@Service final : public v1::@Svc@::Service {
 public:
  using Base = v1::@Svc@::Service;
  using enum rpc::Access;
  @Svc@Service(Records& records, const auth::JwtVerifier& verifier)
      : records_(records), verifier_(&verifier) {}

  ZP_RPC_METHOD(CreateRecord, kToken, records_.CreateRecord)
  ZP_RPC_METHOD(GetRecord, kToken, records_.GetRecord)

 private:
  Records& records_;
  const auth::JwtVerifier* verifier_;
};

}  // namespace zp::@svc@
