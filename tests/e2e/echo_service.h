#pragma once

#include "zp/testing/v1/echo.grpc.pb.h"

namespace zp::testing {

// The test-only EchoService behind the gateway in end-to-end tests: it reports what reached it
// (metadata, request_id), fails on demand with any status, and streams.
class EchoServiceImpl final : public zp::testing::v1::EchoService::Service {
 public:
  grpc::Status Echo(grpc::ServerContext* ctx, const v1::EchoRequest* req,
                    v1::EchoResponse* resp) override;
  grpc::Status Fail(grpc::ServerContext* ctx, const v1::FailRequest* req,
                    v1::EchoResponse* resp) override;
  grpc::Status GetThing(grpc::ServerContext* ctx, const v1::GetThingRequest* req,
                        v1::Thing* resp) override;
  grpc::Status UpdateThing(grpc::ServerContext* ctx, const v1::UpdateThingRequest* req,
                           v1::Thing* resp) override;
  grpc::Status PutThing(grpc::ServerContext* ctx, const v1::UpdateThingRequest* req,
                        v1::Thing* resp) override;
  grpc::Status DeleteThing(grpc::ServerContext* ctx, const v1::GetThingRequest* req,
                           v1::Thing* resp) override;
  grpc::Status ActivateThing(grpc::ServerContext* ctx, const v1::GetThingRequest* req,
                             v1::Thing* resp) override;
  grpc::Status ListThings(grpc::ServerContext* ctx, const v1::ListThingsRequest* req,
                          v1::ListThingsResponse* resp) override;
  grpc::Status GetFile(grpc::ServerContext* ctx, const v1::GetFileRequest* req,
                       v1::Thing* resp) override;
  grpc::Status SearchThings(grpc::ServerContext* ctx, const v1::ListThingsRequest* req,
                            v1::ListThingsResponse* resp) override;
  grpc::Status WatchThings(grpc::ServerContext* ctx, const v1::ListThingsRequest* req,
                           grpc::ServerWriter<v1::Thing>* writer) override;
  grpc::Status Ping(grpc::ServerContext* ctx, const v1::PingRequest* req,
                    v1::PingResponse* resp) override;
};

}  // namespace zp::testing
