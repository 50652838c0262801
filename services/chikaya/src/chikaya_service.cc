#include "services/chikaya/src/chikaya_service.h"

#include "zp/core/status.h"
#include "zp/rpc/call.h"
#include "zp/rpc/handler.h"

namespace zp::chikaya {
namespace {

// A call with a token is authenticated (and must verify); one without is anonymous.
absl::StatusOr<Caller> CallerOf(grpc::ServerContext* ctx, const auth::JwtVerifier& verifier) {
  if (rpc::Metadata(ctx, rpc::kAuthorizationHeader).empty()) {
    rpc::Call call = rpc::Call::Anonymous(ctx);
    return Caller{std::nullopt, call.traceparent()};
  }
  ASSIGN_OR_RETURN(rpc::Call call, rpc::Call::Authenticated(ctx, verifier));
  return Caller{call.principal(), call.traceparent()};
}

}  // namespace

#define ZP_CHIKAYA_METHOD(Name, Request, Response)                                             \
  grpc::Status ComplaintsService::Name(grpc::ServerContext* ctx, const v1::Request* req,       \
                                       v1::Response* resp) {                                   \
    return rpc::Serve(                                                                         \
        ctx, *req, resp, [this](grpc::ServerContext* c) { return CallerOf(c, verifier_); },    \
        [this](const Caller& caller, const v1::Request& r) { return desk_.Name(caller, r); }); \
  }

ZP_CHIKAYA_METHOD(ListCategories, ListCategoriesRequest, ListCategoriesResponse)
ZP_CHIKAYA_METHOD(Submit, SubmitRequest, SubmitResponse)
ZP_CHIKAYA_METHOD(GetComplaint, GetComplaintRequest, Complaint)
ZP_CHIKAYA_METHOD(TrackComplaint, TrackComplaintRequest, Complaint)
ZP_CHIKAYA_METHOD(ListComplaints, ListComplaintsRequest, ListComplaintsResponse)
ZP_CHIKAYA_METHOD(Acknowledge, TransitionRequest, Complaint)
ZP_CHIKAYA_METHOD(Assign, AssignRequest, Complaint)
ZP_CHIKAYA_METHOD(StartWork, TransitionRequest, Complaint)
ZP_CHIKAYA_METHOD(Resolve, ResolveRequest, Complaint)
ZP_CHIKAYA_METHOD(Reject, RejectRequest, Complaint)
ZP_CHIKAYA_METHOD(Redirect, RedirectRequest, RedirectResponse)
ZP_CHIKAYA_METHOD(Reopen, SubmitterActionRequest, Complaint)
ZP_CHIKAYA_METHOD(Close, SubmitterActionRequest, Complaint)
ZP_CHIKAYA_METHOD(Rate, RateRequest, Complaint)
ZP_CHIKAYA_METHOD(Stats, StatsRequest, StatsResponse)

#undef ZP_CHIKAYA_METHOD

}  // namespace zp::chikaya
