#pragma once

// gRPC face of the complaints desk. Public methods (Submit, TrackComplaint, Reopen, Close, Rate,
// ListCategories) accept calls without a token; a token, when present, must verify.

#include "services/chikaya/src/desk.h"
#include "zp/auth/jwt.h"
#include "zp/chikaya/v1/chikaya.grpc.pb.h"

namespace zp::chikaya {

class ComplaintsService final : public v1::Complaints::Service {
 public:
  ComplaintsService(Desk& desk, const auth::JwtVerifier& verifier)
      : desk_(desk), verifier_(verifier) {}

#define ZP_CHIKAYA_DECLARE(Name, Request, Response)                                    \
  grpc::Status Name(grpc::ServerContext* ctx, const v1::Request* req, v1::Response* resp) \
      override;
  ZP_CHIKAYA_DECLARE(ListCategories, ListCategoriesRequest, ListCategoriesResponse)
  ZP_CHIKAYA_DECLARE(Submit, SubmitRequest, SubmitResponse)
  ZP_CHIKAYA_DECLARE(GetComplaint, GetComplaintRequest, Complaint)
  ZP_CHIKAYA_DECLARE(TrackComplaint, TrackComplaintRequest, Complaint)
  ZP_CHIKAYA_DECLARE(ListComplaints, ListComplaintsRequest, ListComplaintsResponse)
  ZP_CHIKAYA_DECLARE(Acknowledge, TransitionRequest, Complaint)
  ZP_CHIKAYA_DECLARE(Assign, AssignRequest, Complaint)
  ZP_CHIKAYA_DECLARE(StartWork, TransitionRequest, Complaint)
  ZP_CHIKAYA_DECLARE(Resolve, ResolveRequest, Complaint)
  ZP_CHIKAYA_DECLARE(Reject, RejectRequest, Complaint)
  ZP_CHIKAYA_DECLARE(Redirect, RedirectRequest, RedirectResponse)
  ZP_CHIKAYA_DECLARE(Reopen, SubmitterActionRequest, Complaint)
  ZP_CHIKAYA_DECLARE(Close, SubmitterActionRequest, Complaint)
  ZP_CHIKAYA_DECLARE(Rate, RateRequest, Complaint)
  ZP_CHIKAYA_DECLARE(Stats, StatsRequest, StatsResponse)
#undef ZP_CHIKAYA_DECLARE

 private:
  Desk& desk_;
  const auth::JwtVerifier& verifier_;
};

}  // namespace zp::chikaya
