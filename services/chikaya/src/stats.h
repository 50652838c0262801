#pragma once

// CHIKAYA's statistics (the Stats method), kept current from the service's own events: a
// consumer of zp.chikaya.v1 applies each event to complaint_stats in its transaction (exactly
// once through processed_events), at four levels — the authority, its province, its region and
// MA — so that reading any level costs a few rows, never a scan of the complaints.

#include <string>

#include "absl/status/statusor.h"
#include "zp/chikaya/v1/chikaya.pb.h"
#include "zp/events/v1/event.pb.h"
#include "zp/pg/pool.h"
#include "zp/pg/transaction.h"
#include "zp/territory/referential.h"

namespace zp::chikaya {

struct Parents {
  std::string province;  // "" for a region
  std::string region;
};
// The province (or prefecture) and region of a local authority.
Parents ParentsOf(const territory::Referential& ref, const std::string& code);

absl::Status ApplyToStats(pg::Transaction& tx, const events::v1::Event& event,
                          const territory::Referential& ref);

// A month of submission as Stats takes it: YYYY-MM.
bool IsPeriod(absl::string_view period);

// The figures of a request the desk validated (Desk::Stats).
absl::StatusOr<v1::StatsResponse> ReadStats(pg::Pool& pool, const v1::StatsRequest& request);

}  // namespace zp::chikaya
