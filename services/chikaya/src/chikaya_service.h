#pragma once

// The gRPC face of the complaints desk: one row per method, who may call it and what serves it.
// Public methods take calls without a token (a token, when sent, must verify).

#include "services/chikaya/src/desk.h"
#include "zp/auth/jwt.h"
#include "zp/chikaya/v1/chikaya.grpc.pb.h"
#include "zp/rpc/method.h"

namespace zp::chikaya {

class ComplaintsService final : public v1::Complaints::Service {
 public:
  using Base = v1::Complaints::Service;
  using enum rpc::Access;
  ComplaintsService(Desk& desk, const auth::JwtVerifier& verifier)
      : desk_(desk), verifier_(&verifier) {}

  ZP_RPC_METHOD(ListCategories, kPublic, desk_.ListCategories)
  ZP_RPC_METHOD(Submit, kPublic, desk_.Submit)
  ZP_RPC_METHOD(GetComplaint, kToken, desk_.GetComplaint)
  ZP_RPC_METHOD(TrackComplaint, kPublic, desk_.TrackComplaint)
  ZP_RPC_METHOD(ListComplaints, kToken, desk_.ListComplaints)
  ZP_RPC_METHOD(Acknowledge, kToken, desk_.Acknowledge)
  ZP_RPC_METHOD(Assign, kToken, desk_.Assign)
  ZP_RPC_METHOD(StartWork, kToken, desk_.StartWork)
  ZP_RPC_METHOD(Resolve, kToken, desk_.Resolve)
  ZP_RPC_METHOD(Reject, kToken, desk_.Reject)
  ZP_RPC_METHOD(Redirect, kToken, desk_.Redirect)
  ZP_RPC_METHOD(Reopen, kPublic, desk_.Reopen)
  ZP_RPC_METHOD(Close, kPublic, desk_.Close)
  ZP_RPC_METHOD(Rate, kPublic, desk_.Rate)
  ZP_RPC_METHOD(Stats, kToken, desk_.Stats)
  ZP_RPC_METHOD(ExportStats, kToken, desk_.ExportStats)
  ZP_RPC_METHOD(UploadAttachment, kPublic, desk_.UploadAttachment)
  ZP_RPC_METHOD(GetAttachment, kToken, desk_.GetAttachment)

 private:
  Desk& desk_;
  const auth::JwtVerifier* verifier_;
};

}  // namespace zp::chikaya
