#include "tests/e2e/echo_service.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "zp/core/status.h"
#include "zp/rpc/method.h"

namespace zp::testing {

grpc::Status EchoServiceImpl::Echo(grpc::ServerContext* ctx, const v1::EchoRequest* req,
                                   v1::EchoResponse* resp) {
  if (req->delay_ms() > 0) {
    absl::SleepFor(absl::Milliseconds(req->delay_ms()));
  }
  const rpc::Caller call = rpc::CallOf(ctx);
  resp->set_message(req->message());
  resp->set_subject(rpc::Metadata(ctx, "authorization").empty() ? "" : "bearer");
  resp->set_request_id(call.request_id);
  resp->set_trace_id(call.trace_id);
  resp->set_idempotency_key(req->request_id());
  return grpc::Status::OK;
}

grpc::Status EchoServiceImpl::Fail(grpc::ServerContext*, const v1::FailRequest* req,
                                   v1::EchoResponse*) {
  if (req->code() != 0) {
    // Any status with its details, as any gRPC server may send them (core::ToGrpcStatus would
    // hide the text of internal faults): what the gateway does with each is under test.
    google::rpc::ErrorInfo info;
    info.set_reason("TEST_FAILURE");
    info.set_domain(std::string(core::kErrorDomain));
    google::rpc::Status details;
    details.set_code(req->code());
    details.set_message(req->reason());
    details.add_details()->PackFrom(info);
    return grpc::Status(static_cast<grpc::StatusCode>(req->code()), req->reason(),
                        details.SerializeAsString());
  }
  return core::ToGrpcStatus(core::InvalidArgumentError(req->field(), req->reason()));
}

grpc::Status EchoServiceImpl::GetThing(grpc::ServerContext*, const v1::GetThingRequest* req,
                                       v1::Thing* resp) {
  if (req->name() == "things/missing") {
    return core::ToGrpcStatus(absl::NotFoundError("no such thing"));
  }
  resp->set_name(req->name());
  resp->set_count(9007199254740993);  // beyond double precision: JSON must carry it as a string
  resp->set_color(v1::GREEN);
  return grpc::Status::OK;
}

grpc::Status EchoServiceImpl::UpdateThing(grpc::ServerContext*, const v1::UpdateThingRequest* req,
                                          v1::Thing* resp) {
  *resp = req->thing();
  resp->set_id(req->request_id());
  return grpc::Status::OK;
}

grpc::Status EchoServiceImpl::PutThing(grpc::ServerContext*, const v1::UpdateThingRequest* req,
                                       v1::Thing* resp) {
  *resp = req->thing();
  return grpc::Status::OK;
}

grpc::Status EchoServiceImpl::DeleteThing(grpc::ServerContext*, const v1::GetThingRequest* req,
                                          v1::Thing* resp) {
  resp->set_name(absl::StrCat("deleted:", req->name()));
  return grpc::Status::OK;
}

grpc::Status EchoServiceImpl::ActivateThing(grpc::ServerContext*, const v1::GetThingRequest* req,
                                            v1::Thing* resp) {
  resp->set_name(req->name());
  resp->set_active(true);
  return grpc::Status::OK;
}

grpc::Status EchoServiceImpl::ListThings(grpc::ServerContext*, const v1::ListThingsRequest* req,
                                         v1::ListThingsResponse* resp) {
  for (const std::string& tag : req->tags()) {
    v1::Thing* t = resp->add_things();
    t->set_name(tag);
    t->set_color(req->color());
    t->set_count(req->min_count());
    t->set_active(req->active());
    t->mutable_nested()->set_f(req->filter().f());
    t->mutable_nested()->set_n(req->filter().n());
  }
  for (int64_t id : req->ids()) {
    resp->add_things()->set_id(absl::StrCat(id));
  }
  resp->set_next_page_token(absl::StrCat("after-", req->page_size()));
  return grpc::Status::OK;
}

grpc::Status EchoServiceImpl::GetFile(grpc::ServerContext*, const v1::GetFileRequest* req,
                                      v1::Thing* resp) {
  resp->set_name(req->path());
  return grpc::Status::OK;
}

grpc::Status EchoServiceImpl::SearchThings(grpc::ServerContext* ctx,
                                           const v1::ListThingsRequest* req,
                                           v1::ListThingsResponse* resp) {
  return ListThings(ctx, req, resp);
}

grpc::Status EchoServiceImpl::WatchThings(grpc::ServerContext*, const v1::ListThingsRequest* req,
                                          grpc::ServerWriter<v1::Thing>* writer) {
  for (int i = 0; i < req->page_size(); ++i) {
    v1::Thing t;
    t.set_name(absl::StrCat("things/", i));
    writer->Write(t);
    if (req->filter().f() == "fail" && i == 1) {
      return core::ToGrpcStatus(
          core::ErrorWithReason(absl::StatusCode::kAborted, "stream broken", "TEST_FAILURE"));
    }
  }
  return grpc::Status::OK;
}

grpc::Status EchoServiceImpl::Ping(grpc::ServerContext*, const v1::PingRequest*,
                                   v1::PingResponse* resp) {
  resp->set_status("pong");
  return grpc::Status::OK;
}

}  // namespace zp::testing
