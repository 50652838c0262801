#include "zp/core/csv.h"

#include "absl/strings/ascii.h"

namespace zp::core {
namespace {

bool LooksLikeFormula(absl::string_view f) {
  if (f.empty()) return false;
  switch (f[0]) {
    case '=':
    case '+':
    case '@':
    case '\t':
    case '\r':
      return true;
    case '-':
      return f.size() == 1 || !absl::ascii_isdigit(static_cast<unsigned char>(f[1]));
    default:
      return false;
  }
}

}  // namespace

std::string CsvLine(std::initializer_list<absl::string_view> fields) {
  std::string out;
  bool first = true;
  for (absl::string_view f : fields) {
    if (!first) out.push_back(',');
    first = false;
    std::string field = LooksLikeFormula(f) ? "'" : "";
    field.append(f.data(), f.size());
    if (field.find_first_of(",\"\r\n") == std::string::npos) {
      out += field;
      continue;
    }
    out.push_back('"');
    for (char c : field) {
      if (c == '"') out.push_back('"');
      out.push_back(c);
    }
    out.push_back('"');
  }
  out += "\r\n";
  return out;
}

}  // namespace zp::core
