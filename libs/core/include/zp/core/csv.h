#pragma once

// CSV as spreadsheets read it (RFC 4180): fields separated by commas, lines ended by CRLF, a
// field quoted when it holds a comma, a quote, or a line break (quotes doubled inside). A text
// field that a spreadsheet would run as a formula (starting with =, +, @, a tab, a carriage
// return, or - not followed by a digit) is written with a leading apostrophe, so that a name
// typed by a citizen can never become a formula in an official's spreadsheet.

#include <initializer_list>
#include <string>

#include "absl/strings/string_view.h"

namespace zp::core {

// One line, CRLF included.
std::string CsvLine(std::initializer_list<absl::string_view> fields);

// The UTF-8 byte-order mark that lets spreadsheets read Arabic and accented letters.
inline constexpr absl::string_view kUtf8Bom = "\xEF\xBB\xBF";

}  // namespace zp::core
