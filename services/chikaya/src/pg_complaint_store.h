#pragma once

// The complaints in the service's PostgreSQL database (migrations/): one transaction per unit of
// work, pg::RunIdempotent for the request ids, service::Recorder for the changes.

#include <memory>
#include <string>

#include "services/chikaya/src/complaint_store.h"
#include "zp/core/clock.h"
#include "zp/events/outbox.h"
#include "zp/files/files.h"
#include "zp/pg/pool.h"
#include "zp/service/record.h"
#include "zp/territory/referential.h"

namespace zp::chikaya {

class PgComplaintStore final : public ComplaintStore {
 public:
  // `topic`: where events go (tests use their own).
  PgComplaintStore(pg::Pool& pool, std::shared_ptr<const territory::Referential> referential,
                   const core::Clock& clock, events::OutboxNotifier* notifier = nullptr,
                   std::string topic = "zp.chikaya.v1");

  absl::StatusOr<std::string> Idempotent(
      const service::IdempotentCall& call,
      const std::function<absl::StatusOr<std::string>(ComplaintTx&)>& work) override;
  absl::StatusOr<std::optional<StoredComplaint>> Get(const std::string& id) override;
  absl::StatusOr<std::optional<StoredComplaint>> ByReference(const std::string& reference) override;
  absl::StatusOr<std::vector<v1::Complaint>> List(const ComplaintFilter& filter) override;
  absl::StatusOr<std::vector<v1::Category>> Categories(v1::Kind kind) override;
  absl::StatusOr<bool> HasCategory(v1::Kind kind, const std::string& code) override;
  absl::StatusOr<StatCountsByTerritory> StatCounts(const std::vector<std::string>& territories,
                                                   const v1::StatsRequest& request) override;
  absl::StatusOr<v1::Attachment> PutAttachment(const std::string& content,
                                               const std::string& declared_type) override;
  absl::StatusOr<bool> HasAttachment(const std::string& sha256) override;
  absl::StatusOr<std::optional<api::v1::HttpBody>> GetAttachment(
      const std::string& sha256) override;

 private:
  pg::Pool& pool_;
  files::PgContentStore content_;
  files::Files files_;
  std::shared_ptr<const territory::Referential> referential_;
  service::Recorder recorder_;
};

}  // namespace zp::chikaya
