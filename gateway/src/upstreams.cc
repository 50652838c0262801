#include "gateway/src/upstreams.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/support/client_callback.h>

#include <atomic>
#include <mutex>

#include "zp/metrics/interceptors.h"
#include "zp/rpc/channel.h"

namespace zp::gateway {
namespace {

grpc::ByteBuffer ToBuffer(const std::string& bytes) {
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

std::string FromBuffer(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  (void)buffer.Dump(&slices);
  std::string out;
  for (const grpc::Slice& s : slices) {
    out.append(reinterpret_cast<const char*>(s.begin()), s.size());
  }
  return out;
}

void Prepare(grpc::ClientContext& ctx, const Metadata& metadata, absl::Time deadline) {
  for (const auto& [k, v] : metadata) {
    ctx.AddMetadata(k, v);
  }
  ctx.set_deadline(absl::ToChronoTime(deadline));
}

std::multimap<std::string, std::string> ServerMetadata(const grpc::ClientContext& ctx) {
  std::multimap<std::string, std::string> out;
  for (const auto* md : {&ctx.GetServerInitialMetadata(), &ctx.GetServerTrailingMetadata()}) {
    for (const auto& [k, v] : *md) {
      out.emplace(std::string(k.data(), k.size()), std::string(v.data(), v.size()));
    }
  }
  return out;
}

}  // namespace

// A unary call in flight; its address is the completion-queue tag.
struct UnaryCall {
  Upstreams* owner = nullptr;
  grpc::ClientContext ctx;
  grpc::ByteBuffer response;
  grpc::Status status;
  std::unique_ptr<grpc::GenericClientAsyncResponseReader> reader;
  std::function<void(UpstreamReply)> done;

  void Complete() {
    UpstreamReply reply{status, status.ok() ? FromBuffer(response) : std::string(),
                        ServerMetadata(ctx)};
    auto callback = std::move(done);
    {
      std::lock_guard<std::mutex> lock(owner->calls_mu_);
      owner->calls_.erase(this);
    }
    delete this;
    callback(std::move(reply));
  }
};

namespace {

void DrainQueue(grpc::CompletionQueue* queue) {
  void* tag = nullptr;
  bool ok = false;
  // Finish always completes (ok is true for Finish tags); the queue ends after Shutdown().
  while (queue->Next(&tag, &ok)) {
    static_cast<UnaryCall*>(tag)->Complete();
  }
}

class StreamCall final : public grpc::ClientBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
 public:
  StreamCall(std::function<void(std::string)> on_message, std::function<void(UpstreamReply)> done)
      : on_message_(std::move(on_message)), done_(std::move(done)) {}

  void Start(grpc::GenericStub& stub, const std::string& path, std::string request,
             const Metadata& metadata, absl::Time deadline) {
    Prepare(ctx_, metadata, deadline);
    request_ = ToBuffer(request);
    stub.PrepareBidiStreamingCall(&ctx_, path, grpc::StubOptions(), this);
    StartWriteLast(&request_, grpc::WriteOptions());
    StartRead(&response_);
    StartCall();
  }
  void OnReadDone(bool ok) override {
    if (ok) {
      on_message_(FromBuffer(response_));
      StartRead(&response_);
    }
  }
  void OnDone(const grpc::Status& status) override {
    done_(UpstreamReply{status, "", ServerMetadata(ctx_)});
    delete this;
  }

 private:
  grpc::ClientContext ctx_;
  grpc::ByteBuffer request_;
  grpc::ByteBuffer response_;
  std::function<void(std::string)> on_message_;
  std::function<void(UpstreamReply)> done_;
};

}  // namespace

Upstreams::Upstreams(metrics::Metrics* metrics, int connections, int completion_threads)
    : metrics_(metrics), connections_(std::max(1, connections)) {
  for (int i = 0; i < std::max(1, completion_threads); ++i) {
    queues_.push_back(std::make_unique<grpc::CompletionQueue>());
    queue_threads_.emplace_back(DrainQueue, queues_.back().get());
  }
}

Upstreams::~Upstreams() { Shutdown(); }

void Upstreams::Shutdown() {
  {
    std::unique_lock<std::shared_mutex> no_starts(starting_);
    std::lock_guard<std::mutex> lock(calls_mu_);
    if (shut_down_) return;
    shut_down_ = true;
    for (UnaryCall* call : calls_) call->ctx.TryCancel();
    for (auto& queue : queues_) queue->Shutdown();
  }
  for (auto& thread : queue_threads_) thread.join();
}

void Upstreams::Add(const std::string& service, const std::string& address) {
  Upstream& upstream = stubs_[service];
  for (int i = 0; i < connections_; ++i) {
    grpc::ChannelArguments args = rpc::ServiceChannelArguments();
    args.SetMaxReceiveMessageSize(16 * 1024 * 1024);
    args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, 30000);
    // Channels with the same arguments share one connection; the index keeps them apart.
    args.SetInt("zp.connection_index", i);
    std::shared_ptr<grpc::Channel> channel;
    if (metrics_ != nullptr) {
      std::vector<std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>> factories;
      factories.push_back(std::make_unique<metrics::ClientMetricsInterceptorFactory>(*metrics_));
      channel = grpc::experimental::CreateCustomChannelWithInterceptors(
          address, grpc::InsecureChannelCredentials(), args, std::move(factories));
    } else {
      channel = grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args);
    }
    upstream.stubs.push_back(std::make_unique<grpc::GenericStub>(channel));
    upstream.channels.push_back(std::move(channel));
  }
}

std::vector<std::string> Upstreams::services() const {
  std::vector<std::string> out;
  for (const auto& [name, u] : stubs_) {
    out.push_back(name);
  }
  return out;
}

grpc::GenericStub* Upstreams::StubOrFail(const std::string& service,
                                         const std::function<void(UpstreamReply)>& done) {
  auto it = stubs_.find(service);
  if (it == stubs_.end()) {
    done(UpstreamReply{
        grpc::Status(grpc::StatusCode::UNAVAILABLE, "no upstream for " + service), "", {}});
    return nullptr;
  }
  Upstream& u = it->second;
  return u.stubs[u.next->fetch_add(1, std::memory_order_relaxed) % u.stubs.size()].get();
}

void Upstreams::Unary(const std::string& service, const std::string& grpc_path, std::string request,
                      const Metadata& metadata, absl::Time deadline,
                      std::function<void(UpstreamReply)> done) {
  grpc::GenericStub* stub = StubOrFail(service, done);
  if (stub == nullptr) {
    return;
  }
  UnaryOn(*stub, grpc_path, std::move(request), metadata, deadline, std::move(done));
}

void Upstreams::UnaryOn(grpc::GenericStub& stub, const std::string& grpc_path, std::string request,
                        const Metadata& metadata, absl::Time deadline,
                        std::function<void(UpstreamReply)> done) {
  auto call = std::make_unique<UnaryCall>();
  call->owner = this;
  Prepare(call->ctx, metadata, deadline);
  std::shared_lock<std::shared_mutex> starting(starting_);
  bool accepted = false;
  {
    std::lock_guard<std::mutex> lock(calls_mu_);
    if (!shut_down_) accepted = calls_.insert(call.get()).second;
  }
  if (!accepted) {
    starting.unlock();
    done(UpstreamReply{
        grpc::Status(grpc::StatusCode::UNAVAILABLE, "gateway shutting down"), "", {}});
    return;
  }
  call->done = std::move(done);
  grpc::CompletionQueue* queue =
      queues_[next_queue_.fetch_add(1, std::memory_order_relaxed) % queues_.size()].get();
  call->reader = stub.PrepareUnaryCall(&call->ctx, grpc_path, ToBuffer(request), queue);
  call->reader->StartCall();
  UnaryCall* tag = call.release();  // deleted by Complete()
  tag->reader->Finish(&tag->response, &tag->status, tag);
}

void Upstreams::ServerStream(const std::string& service, const std::string& grpc_path,
                             std::string request, const Metadata& metadata, absl::Time deadline,
                             std::function<void(std::string)> on_message,
                             std::function<void(UpstreamReply)> done) {
  grpc::GenericStub* stub = StubOrFail(service, done);
  if (stub == nullptr) {
    return;
  }
  auto* call = new StreamCall(std::move(on_message), std::move(done));
  call->Start(*stub, grpc_path, std::move(request), metadata, deadline);
}

void Upstreams::CheckHealth(absl::Duration timeout,
                            std::function<void(bool, std::vector<std::string>)> done) {
  struct State {
    std::mutex mu;
    int pending;
    std::vector<std::string> not_serving;
    std::function<void(bool, std::vector<std::string>)> done;
  };
  auto state = std::make_shared<State>();
  state->pending = 0;
  for (const auto& [name, upstream] : stubs_)
    state->pending += static_cast<int>(upstream.stubs.size());
  state->done = std::move(done);
  if (state->pending == 0) {
    state->done(true, {});
    return;
  }
  // Every connection of every upstream: a service is ready only when all of them are (a call
  // taking a connection still in reconnect backoff would fail).
  for (const auto& [name, upstream] : stubs_) {
    for (const auto& stub : upstream.stubs) {
      std::string service = name;
      // HealthCheckRequest{service: ""} is the empty message; the answer is one enum field.
      UnaryOn(*stub, "/grpc.health.v1.Health/Check", "", {}, absl::Now() + timeout,
              [state, service](UpstreamReply reply) {
                bool serving = reply.status.ok() && reply.body == std::string("\x08\x01", 2);
                std::lock_guard<std::mutex> lock(state->mu);
                if (!serving && std::find(state->not_serving.begin(), state->not_serving.end(),
                                          service) == state->not_serving.end()) {
                  state->not_serving.push_back(service);
                }
                if (--state->pending == 0) {
                  state->done(state->not_serving.empty(), state->not_serving);
                }
              });
    }
  }
}

}  // namespace zp::gateway
