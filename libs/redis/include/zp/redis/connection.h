#pragma once

#include <hiredis/hiredis.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace zp::redis {

struct Options {
  std::string host = "127.0.0.1";
  int port = 56379;
  absl::Duration connect_timeout = absl::Seconds(1);
  // Every command waits at most this long for its reply; then the connection is dropped.
  absl::Duration command_timeout = absl::Seconds(1);
  int pool_size = 8;
  absl::Duration acquire_timeout = absl::Seconds(2);
};

// Options for the server at "host:port" (the ZP_REDIS_ADDRESS setting), other fields default.
Options OptionsForAddress(absl::string_view host_port);
// The same for Redis on a request's path (rate limits, caches): 200 ms to connect and to answer,
// so that a Redis away costs a request little and its caller falls back.
Options OptionsForRequests(absl::string_view host_port);

struct ReplyDeleter {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using ReplyPtr = std::unique_ptr<redisReply, ReplyDeleter>;

struct ContextDeleter {
  void operator()(redisContext* c) const { redisFree(c); }
};
using ContextPtr = std::unique_ptr<redisContext, ContextDeleter>;

// One hiredis connection; not thread-safe (the pool hands it to one user at a time).
class Connection {
 public:
  static absl::StatusOr<std::unique_ptr<Connection>> Open(const Options& options);

  // Runs one command given as separate arguments (binary-safe). An error reply is returned as
  // INTERNAL with its text; I/O failures as UNAVAILABLE (and the connection is then broken).
  absl::StatusOr<ReplyPtr> Command(const std::vector<std::string>& args);
  bool broken() const { return broken_; }

 private:
  explicit Connection(ContextPtr ctx) : ctx_(std::move(ctx)) {}
  ContextPtr ctx_;
  bool broken_ = false;
};

}  // namespace zp::redis
