#pragma once

// Dates and instants of the API and the absl types the rules compute in: zp.common.v1.Date
// (civil-status dates are dates, not instants) <-> absl::CivilDay, google.protobuf.Timestamp <->
// absl::Time (microseconds, the precision PostgreSQL keeps).

#include <optional>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"
#include "zp/common/v1/common.pb.h"

namespace zp::core {

// nullopt unless `date` is a real calendar day between the years 1850 and 2200.
std::optional<absl::CivilDay> ToCivilDay(const common::v1::Date& date);
common::v1::Date ToDate(absl::CivilDay day);

google::protobuf::Timestamp ToTimestamp(absl::Time time);
absl::Time ToTime(const google::protobuf::Timestamp& timestamp);
// Within what a Timestamp may hold: 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999999Z,
// nanos in [0, 10^9).
bool IsValidTimestamp(const google::protobuf::Timestamp& timestamp);

}  // namespace zp::core
