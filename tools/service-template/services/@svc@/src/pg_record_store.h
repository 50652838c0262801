#pragma once

// @Svc@'s records in its PostgreSQL database (migrations/).

#include <string>

#include "services/@svc@/src/record_store.h"
#include "zp/core/clock.h"
#include "zp/events/outbox.h"
#include "zp/pg/pool.h"
#include "zp/service/record.h"

namespace zp::@svc@ {

class PgRecordStore final : public RecordStore {
 public:
  PgRecordStore(pg::Pool& pool, const core::Clock& clock,
                events::OutboxNotifier* notifier = nullptr, std::string topic = "zp.@svc@.v1");

  absl::StatusOr<std::string> Idempotent(
      const service::IdempotentCall& call,
      const std::function<absl::StatusOr<std::string>(RecordTx&)>& work) override;
  absl::StatusOr<std::optional<v1::Record>> Get(const std::string& id) override;

 private:
  pg::Pool& pool_;
  service::Recorder recorder_;
};

}  // namespace zp::@svc@
