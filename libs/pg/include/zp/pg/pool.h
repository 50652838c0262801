#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "prometheus/gauge.h"
#include "zp/pg/connection.h"

namespace zp::pg {

struct PoolOptions {
  std::string conninfo;
  std::map<std::string, std::string> overrides;
  int size = 8;
  // How long Acquire waits for a free connection before answering UNAVAILABLE.
  absl::Duration acquire_timeout = absl::Seconds(5);
  absl::Duration connect_timeout = absl::Seconds(3);
  // Optional zp_db_pool_in_use gauge, kept current by the pool.
  prometheus::Gauge* in_use_gauge = nullptr;
};

class Pool;

// A connection borrowed from the pool; returned (or discarded when broken) on destruction.
class PooledConnection {
 public:
  PooledConnection(Pool* pool, std::unique_ptr<Connection> conn)
      : pool_(pool), conn_(std::move(conn)) {}
  PooledConnection(PooledConnection&&) = default;
  PooledConnection& operator=(PooledConnection&&) = default;
  ~PooledConnection();

  Connection* operator->() { return conn_.get(); }
  Connection& operator*() { return *conn_; }

 private:
  struct Returner {};
  Pool* pool_;
  std::unique_ptr<Connection> conn_;
};

// A bounded, thread-safe pool. Connections are opened lazily up to `size`; a connection that is
// found broken (server restarted, network lost) is discarded when it comes back, and the next
// Acquire opens a fresh one, so the pool recovers by itself once the server is back. Meanwhile
// callers get UNAVAILABLE.
class Pool {
 public:
  explicit Pool(PoolOptions options) : options_(std::move(options)) {}
  ~Pool();
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  absl::StatusOr<PooledConnection> Acquire();

  // One statement on a pooled connection, outside any explicit transaction.
  absl::StatusOr<Result> Exec(const Query& query, const Params& params = {});
  // True when a connection can be had and answers `SELECT 1`.
  absl::Status Ping();

  int in_use() const;
  int open() const;
  const PoolOptions& options() const { return options_; }

 private:
  friend class PooledConnection;
  void Release(std::unique_ptr<Connection> conn);
  void UpdateGauge() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const PoolOptions options_;
  mutable absl::Mutex mu_;
  std::vector<std::unique_ptr<Connection>> idle_ ABSL_GUARDED_BY(mu_);
  int open_ ABSL_GUARDED_BY(mu_) = 0;
  int in_use_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace zp::pg
