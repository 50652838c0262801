#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "zp/redis/connection.h"

namespace zp::redis {

// A bounded, thread-safe pool of Redis connections. Broken connections are dropped when they come
// back; the next caller reconnects, so the pool heals when Redis returns.
class Pool {
 public:
  explicit Pool(Options options) : options_(std::move(options)) {}
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  // Runs one command on a pooled connection.
  absl::StatusOr<ReplyPtr> Command(const std::vector<std::string>& args);
  const Options& options() const { return options_; }

 private:
  absl::StatusOr<std::unique_ptr<Connection>> Acquire();
  void Release(std::unique_ptr<Connection> conn);

  const Options options_;
  absl::Mutex mu_;
  std::vector<std::unique_ptr<Connection>> idle_ ABSL_GUARDED_BY(mu_);
  int open_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace zp::redis
