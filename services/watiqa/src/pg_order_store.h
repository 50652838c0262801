#pragma once

// The orders in the service's PostgreSQL database (migrations/): one transaction per unit of
// work, pg::RunIdempotent for the request ids, service::Recorder for the changes.

#include <string>

#include "services/watiqa/src/order_store.h"
#include "zp/core/clock.h"
#include "zp/events/outbox.h"
#include "zp/pg/pool.h"
#include "zp/service/record.h"

namespace zp::watiqa {

class PgOrderStore final : public OrderStore {
 public:
  // `topic`: where events go (tests use their own).
  PgOrderStore(pg::Pool& pool, const core::Clock& clock, events::OutboxNotifier* notifier = nullptr,
               std::string topic = "zp.watiqa.v1");

  absl::StatusOr<std::string> Idempotent(
      const service::IdempotentCall& call,
      const std::function<absl::StatusOr<std::string>(OrderTx&)>& work) override;
  absl::Status Unit(const std::function<absl::Status(OrderTx&)>& work) override;
  absl::StatusOr<std::optional<StoredOrder>> ByReference(const std::string& reference) override;
  absl::StatusOr<std::vector<StoredOrder>> List(const OrderFilter& filter) override;
  absl::StatusOr<std::vector<StoredOrder>> ToCollect(const std::optional<std::string>& after_id,
                                                     int limit) override;
  absl::StatusOr<std::vector<v1::RefundDue>> RefundsDue(const std::string& after,
                                                        int limit) override;
  absl::StatusOr<std::vector<std::string>> ClaimDue(absl::Time now, absl::Time lease_until,
                                                    int batch) override;
  absl::StatusOr<OrderFigures> Figures(const auth::TerritoryScope& scope, absl::Time from,
                                       absl::Time to) override;

 private:
  pg::Pool& pool_;
  service::Recorder recorder_;
};

}  // namespace zp::watiqa
