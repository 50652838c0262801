#pragma once

// What @Svc@ keeps, behind an interface: PgRecordStore in the service, FakeRecordStore
// (tests/support/fake_@svc@_store.h) in the unit tests of its rules. A change happens inside
// Idempotent(): the call's unit of work (zp/service/store.h).

#include <functional>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "zp/@svc@/v1/@svc@.pb.h"
#include "zp/service/record.h"
#include "zp/service/store.h"

namespace zp::@svc@ {

class RecordTx {
 public:
  virtual ~RecordTx() = default;
  virtual absl::Status Insert(const v1::Record& record) = 0;
  // The change's event and audit row (service::Recorder in PostgreSQL).
  virtual absl::Status Record(const service::Change& change) = 0;
};

class RecordStore {
 public:
  virtual ~RecordStore() = default;
  virtual absl::StatusOr<std::string> Idempotent(
      const service::IdempotentCall& call,
      const std::function<absl::StatusOr<std::string>(RecordTx&)>& work) = 0;
  virtual absl::StatusOr<std::optional<v1::Record>> Get(const std::string& id) = 0;
};

}  // namespace zp::@svc@
