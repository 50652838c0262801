#pragma once

// @Svc@'s records: who may create and read them, and what a record needs. Each change is one
// unit of work of the RecordStore (the record, its event and its audit row) under the call's
// request_id. No SQL here: the unit tests run these rules on a fake store.

#include <memory>

#include "absl/status/statusor.h"
#include "services/@svc@/src/record_store.h"
#include "zp/@svc@/v1/@svc@.pb.h"
#include "zp/core/clock.h"
#include "zp/rpc/caller.h"
#include "zp/territory/referential.h"

namespace zp::@svc@ {

inline constexpr size_t kMaxTitle = 200;  // characters

class Records {
 public:
  Records(RecordStore& store, std::shared_ptr<const territory::Referential> referential,
          const core::Clock& clock)
      : store_(store), referential_(std::move(referential)), clock_(clock) {}

  absl::StatusOr<v1::Record> CreateRecord(const rpc::Caller& c, const v1::CreateRecordRequest& r);
  absl::StatusOr<v1::Record> GetRecord(const rpc::Caller& c, const v1::GetRecordRequest& r);

 private:
  RecordStore& store_;
  std::shared_ptr<const territory::Referential> referential_;
  const core::Clock& clock_;
};

}  // namespace zp::@svc@
