#pragma once

// CHIKAYA's statistics (the Stats method), kept current from the service's own events: a
// consumer of zp.chikaya.v1 applies each event to complaint_stats in its transaction (exactly
// once through processed_events), at four levels — the authority, its province, its region and
// MA — so that reading any level costs a few rows, never a scan of the complaints.

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "zp/api/v1/httpbody.pb.h"
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

// The counts of complaint_stats rows. They add up across months and kinds, and the counts of a
// province less those of the authorities within it are those of the province's own council.
struct StatCounts {
  int64_t received = 0, answered = 0, within = 0, overdue = 0, rating_sum = 0, rated = 0;
  std::vector<int64_t> ack, answer;  // days to acknowledge, to answer: one bucket per day

  StatCounts();
  StatCounts& operator+=(const StatCounts& other);
  StatCounts& operator-=(const StatCounts& other);
  bool empty() const;
};
using StatCountsByTerritory = absl::flat_hash_map<std::string, StatCounts>;

// The counts of each of `territories` over a request's months and kind (absent: nothing counted).
absl::StatusOr<StatCountsByTerritory> ReadStatCounts(pg::Pool& pool,
                                                     const std::vector<std::string>& territories,
                                                     const v1::StatsRequest& request);

// The local authorities directly within `code`, by code: the communes of a province (through
// Casablanca's prefectures d'arrondissements, which are not authorities), the provinces and
// prefectures of a region, the regions of MA.
std::vector<const territory::Territory*> AuthoritiesWithin(const territory::Referential& ref,
                                                           absl::string_view code);

// The territories whose counts answer `request`: its territory, then those within when a
// breakdown is asked.
std::vector<std::string> StatTerritories(const territory::Referential& ref,
                                         const v1::StatsRequest& request);

// The figures of a validated request from the counts of StatTerritories.
v1::StatsResponse StatsOf(const territory::Referential& ref, const v1::StatsRequest& request,
                          const StatCountsByTerritory& counts);

// A Stats answer with its breakdown as a CSV file: a header line, the territory's line
// ("total"), then one line per territory within ("within") and the council's own ("own").
api::v1::HttpBody StatsCsv(const territory::Referential& ref, const v1::StatsRequest& request,
                           const v1::StatsResponse& stats);

}  // namespace zp::chikaya
