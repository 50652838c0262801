#pragma once

#include <grpcpp/channel.h>
#include <grpcpp/completion_queue.h>
#include <grpcpp/generic/generic_stub.h>

#include <algorithm>
#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "zp/metrics/metrics.h"

namespace zp::gateway {

struct UnaryCall;

// Metadata sent with every upstream call (authorization, x-request-id, traceparent, ...).
using Metadata = std::vector<std::pair<std::string, std::string>>;

struct UpstreamReply {
  grpc::Status status;
  std::string body;  // serialized response message
  // Response headers and trailers the service chose to send (lowercase keys).
  std::multimap<std::string, std::string> metadata;
};

// Channels and generic stubs per upstream service; no gateway thread ever waits on an upstream.
// Unary calls complete on completion queues, each drained by a thread of its own: the thread
// that waits on a queue also reads the upstream's sockets, so an answer is transcoded by the
// thread that received it (gRPC's callback API hands each completion from its pollers to other
// threads first: several more context switches per call, measured in `make bench-gateway`).
// Server-streaming calls use the callback API.
class Upstreams {
 public:
  // `connections`: HTTP/2 connections per upstream (each its own channel), used in turn.
  // `completion_threads`: completion queues (one thread each) for unary calls.
  explicit Upstreams(metrics::Metrics* metrics = nullptr, int connections = 1,
                     int completion_threads = 1);
  ~Upstreams();  // Shutdown()
  Upstreams(const Upstreams&) = delete;
  Upstreams& operator=(const Upstreams&) = delete;

  // `service` is the full proto name (zp.sgec.v1.CivilRegistry), `address` host:port.
  void Add(const std::string& service, const std::string& address);
  bool Has(const std::string& service) const { return stubs_.contains(service); }
  std::vector<std::string> services() const;

  // Unary call; `done` runs once on a gRPC thread.
  void Unary(const std::string& service, const std::string& grpc_path, std::string request,
             const Metadata& metadata, absl::Time deadline,
             std::function<void(UpstreamReply)> done);

  // Server-streaming call: `on_message` for each response message, then `done` once; all on gRPC
  // threads, in order.
  void ServerStream(const std::string& service, const std::string& grpc_path, std::string request,
                    const Metadata& metadata, absl::Time deadline,
                    std::function<void(std::string)> on_message,
                    std::function<void(UpstreamReply)> done);

  // Cancels the unary calls still in flight, lets their callbacks run (with CANCELLED) and stops
  // the completion threads. Call it while what the callbacks use still exists.
  void Shutdown();

  // Asks every upstream's grpc.health.v1.Health/Check on each of its connections;
  // `done(all_serving, not_serving_names)`.
  void CheckHealth(absl::Duration timeout,
                   std::function<void(bool, std::vector<std::string>)> done);

 private:
  struct Upstream {
    std::vector<std::shared_ptr<grpc::Channel>> channels;
    std::vector<std::unique_ptr<grpc::GenericStub>> stubs;
    std::unique_ptr<std::atomic<uint32_t>> next = std::make_unique<std::atomic<uint32_t>>(0);
  };
  void UnaryOn(grpc::GenericStub& stub, const std::string& grpc_path, std::string request,
               const Metadata& metadata, absl::Time deadline,
               std::function<void(UpstreamReply)> done);
  // The next stub of `service`, or nullptr after answering `done` with UNAVAILABLE.
  grpc::GenericStub* StubOrFail(const std::string& service,
                                const std::function<void(UpstreamReply)>& done);

  metrics::Metrics* metrics_;
  int connections_;
  std::map<std::string, Upstream> stubs_;
  friend struct UnaryCall;
  // Held shared while a call starts on a queue, exclusively to shut the queues down: no call
  // starts on a queue that is shut down.
  std::shared_mutex starting_;
  std::mutex calls_mu_;
  std::set<UnaryCall*> calls_;  // in flight
  bool shut_down_ = false;
  std::vector<std::unique_ptr<grpc::CompletionQueue>> queues_;
  std::vector<std::thread> queue_threads_;
  std::atomic<uint32_t> next_queue_{0};
};

}  // namespace zp::gateway
