#include "zp/service/periodic_job.h"

#include "zp/log/log.h"

namespace zp::service {
namespace {

constexpr pg::Query kTryLock{"zp_job_try_lock",
                             "SELECT pg_try_advisory_lock(hashtext($1)::bigint)"};
constexpr pg::Query kUnlock{"zp_job_unlock", "SELECT pg_advisory_unlock(hashtext($1)::bigint)"};

}  // namespace

void PeriodicJob::Turn() {
  absl::StatusOr<pg::PooledConnection> conn = pool_.Acquire();
  if (!conn.ok()) {
    spdlog::warn("{}: {}", lock_, conn.status().message());
    return;
  }
  absl::StatusOr<pg::Result> locked = (*conn)->Exec(kTryLock, {lock_});
  if (!locked.ok() || !locked->Bool(0, 0)) {  // another replica's turn
    absl::MutexLock lock(&mu_);
    ++skipped_;
    return;
  }
  if (absl::Status s = run_(); !s.ok()) spdlog::warn("{}: {}", lock_, s.message());
  (void)(*conn)->Exec(kUnlock, {lock_});  // a lost connection releases it as well
  absl::MutexLock lock(&mu_);
  ++runs_;
}

void PeriodicJob::Start() {
  thread_ = std::thread([this] {
    while (true) {
      Turn();
      absl::MutexLock lock(&mu_);
      auto due = [this]() ABSL_NO_THREAD_SAFETY_ANALYSIS { return woken_ || stopping_; };
      mu_.AwaitWithTimeout(absl::Condition(&due), interval_);
      if (stopping_) return;
      woken_ = false;
    }
  });
}

void PeriodicJob::Wake() {
  absl::MutexLock lock(&mu_);
  woken_ = true;
}

void PeriodicJob::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

int64_t PeriodicJob::runs() const {
  absl::MutexLock lock(&mu_);
  return runs_;
}

int64_t PeriodicJob::skipped() const {
  absl::MutexLock lock(&mu_);
  return skipped_;
}

}  // namespace zp::service
