#pragma once

// The historical-records import ("reprise de l'historique"): paper registers taken in by batches
// (import_run.h: the steps of one import), its report, and the possible duplicates it lists for a
// civil_officer to decide. The record format and outcomes: the service README.

#include <cstdint>

#include "services/sgec/src/registry_core.h"

namespace zp::sgec {

// The records of one ImportHistoricalActs call, as they arrive.
class RecordStream {
 public:
  virtual ~RecordStream() = default;
  // False at the end of the stream (or when it broke off: see Cancelled).
  virtual bool Next(v1::ImportHistoricalActsRequest* request) = 0;
  virtual bool Cancelled() const { return false; }
};

struct ImportOptions {
  int batch_size = 1000;  // records per transaction
  // Before each batch, the import waits while the outbox holds this many unpublished events: the
  // relay's batches drain it, and a long import never floods the outbox (or Kafka behind it).
  int64_t outbox_limit = 50000;
};

class HistoricalImport {
 public:
  explicit HistoricalImport(RegistryCore& core) : core_(core) {}

  void set_import_options(ImportOptions options) { options_ = options; }
  absl::StatusOr<v1::ImportSummary> ImportHistoricalActs(const Caller& c, RecordStream& stream);
  absl::StatusOr<v1::ImportReport> GetImportReport(const Caller& c,
                                                   const v1::GetImportReportRequest& r);
  absl::StatusOr<v1::ListPossibleDuplicatesResponse> ListPossibleDuplicates(
      const Caller& c, const v1::ListPossibleDuplicatesRequest& r);
  absl::StatusOr<v1::PossibleDuplicate> ReviewPossibleDuplicate(
      const Caller& c, const v1::ReviewPossibleDuplicateRequest& r);

 private:
  RegistryCore& core_;
  ImportOptions options_;
};

}  // namespace zp::sgec
