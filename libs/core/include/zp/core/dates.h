#pragma once

// Calendar dates of the API (zp.common.v1.Date: civil-status dates are dates, not instants) and
// absl::CivilDay, in which the rules compute.

#include <optional>

#include "absl/time/civil_time.h"
#include "zp/common/v1/common.pb.h"

namespace zp::core {

// nullopt unless `date` is a real calendar day between the years 1850 and 2200.
std::optional<absl::CivilDay> ToCivilDay(const common::v1::Date& date);
common::v1::Date ToDate(absl::CivilDay day);

}  // namespace zp::core
