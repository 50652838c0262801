#pragma once

// A job a service runs every `interval` (deadlines, the issuance saga), on one replica at a time:
// each turn takes a session advisory lock named after the job, and a replica that does not get it
// skips the turn. Wake() runs a turn at once; Stop() ends it (the drain after SIGTERM). Services
// get theirs from Runtime::Every.

#include <functional>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "zp/pg/pool.h"

namespace zp::service {

class PeriodicJob {
 public:
  // `lock` names the job across replicas ("zp.job.<service>.<job>").
  PeriodicJob(pg::Pool& pool, std::string lock, absl::Duration interval,
              std::function<absl::Status()> run)
      : pool_(pool), lock_(std::move(lock)), interval_(interval), run_(std::move(run)) {}
  ~PeriodicJob() { Stop(); }
  PeriodicJob(const PeriodicJob&) = delete;
  PeriodicJob& operator=(const PeriodicJob&) = delete;

  void Start();
  void Wake();
  // Waits for a turn in progress to end.
  void Stop();
  // Turns that ran the job here (the lock taken), and turns skipped (another replica held it).
  int64_t runs() const;
  int64_t skipped() const;

 private:
  void Turn();

  pg::Pool& pool_;
  const std::string lock_;
  const absl::Duration interval_;
  const std::function<absl::Status()> run_;
  mutable absl::Mutex mu_;
  bool woken_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  int64_t runs_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t skipped_ ABSL_GUARDED_BY(mu_) = 0;
  std::thread thread_;
};

}  // namespace zp::service
