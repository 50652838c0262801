#include "zp/service/service_table.h"

#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "zp/core/embedded_file.h"

namespace zp::service {

std::vector<core::EmbeddedFile> EmbeddedServiceTable();

absl::StatusOr<std::vector<ServiceEntry>> ParseServiceTable(absl::string_view text) {
  std::vector<ServiceEntry> out;
  std::set<std::string> names;
  std::set<int> indexes;
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_number;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> cells =
        absl::StrSplit(line, absl::ByAnyChar(" \t"), absl::SkipEmpty());
    ServiceEntry e;
    if (cells.size() != 4 || !absl::SimpleAtoi(cells[1], &e.index) || e.index < 1 || e.index > 99 ||
        (cells[3] != "yes" && cells[3] != "no")) {
      return absl::InvalidArgumentError(absl::StrCat("services table, line ", line_number,
                                                     ": expected NAME INDEX(1-99) API yes|no"));
    }
    e.name = cells[0];
    e.api = cells[2];
    e.partner = cells[3] == "yes";
    if (!names.insert(e.name).second || !indexes.insert(e.index).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("services table, line ", line_number, ": name or index used twice"));
    }
    out.push_back(std::move(e));
  }
  return out;
}

const std::vector<ServiceEntry>& Services() {
  static const std::vector<ServiceEntry>* table = [] {
    auto parsed = ParseServiceTable(EmbeddedServiceTable().at(0).content);
    // The table is compiled in and checked by the unit tests: a bad one is a build defect.
    return new std::vector<ServiceEntry>(parsed.ok() ? *std::move(parsed)
                                                     : std::vector<ServiceEntry>{});
  }();
  return *table;
}

absl::StatusOr<ServiceEntry> FindService(absl::string_view name) {
  for (const ServiceEntry& e : Services()) {
    if (e.name == name) return e;
  }
  return absl::NotFoundError(absl::StrCat("service ", name, " is not in services/services.tsv"));
}

}  // namespace zp::service
