#include "services/sgec/src/sgec_service.h"

namespace zp::sgec {
namespace {

class ReaderStream final : public RecordStream {
 public:
  ReaderStream(grpc::ServerContext* ctx,
               grpc::ServerReader<v1::ImportHistoricalActsRequest>* reader)
      : ctx_(ctx), reader_(reader) {}
  bool Next(v1::ImportHistoricalActsRequest* request) override { return reader_->Read(request); }
  bool Cancelled() const override { return ctx_->IsCancelled(); }

 private:
  grpc::ServerContext* ctx_;
  grpc::ServerReader<v1::ImportHistoricalActsRequest>* reader_;
};

}  // namespace

grpc::Status CivilRegistryService::ImportHistoricalActs(
    grpc::ServerContext* ctx, grpc::ServerReader<v1::ImportHistoricalActsRequest>* reader,
    v1::ImportSummary* resp) {
  ReaderStream stream(ctx, reader);
  v1::ImportHistoricalActsRequest unused;  // the stream's messages are read by the registry
  return rpc::Serve(ctx, unused, resp, kToken, verifier_,
                    [&](const Caller& caller, const v1::ImportHistoricalActsRequest&) {
                      return registry_.ImportHistoricalActs(caller, stream);
                    });
}

}  // namespace zp::sgec
