#include "zp/core/dates.h"

namespace zp::core {

std::optional<absl::CivilDay> ToCivilDay(const common::v1::Date& date) {
  if (date.year() < 1850 || date.year() > 2200) return std::nullopt;
  absl::CivilDay day(date.year(), date.month(), date.day());
  if (day.year() != date.year() || day.month() != date.month() || day.day() != date.day()) {
    return std::nullopt;
  }
  return day;
}

common::v1::Date ToDate(absl::CivilDay day) {
  common::v1::Date d;
  d.set_year(static_cast<int32_t>(day.year()));
  d.set_month(day.month());
  d.set_day(day.day());
  return d;
}

}  // namespace zp::core
