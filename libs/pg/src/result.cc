#include "zp/pg/result.h"

#include "absl/strings/numbers.h"
#include "absl/strings/string_view.h"

namespace zp::pg {

int64_t Result::affected() const {
  int64_t n = 0;
  (void)absl::SimpleAtoi(PQcmdTuples(result_.get()), &n);
  return n;
}

absl::string_view Result::Text(int row, int col) const {
  return absl::string_view(PQgetvalue(result_.get(), row, col),
                           static_cast<size_t>(PQgetlength(result_.get(), row, col)));
}

std::optional<std::string> Result::OptionalText(int row, int col) const {
  if (IsNull(row, col)) {
    return std::nullopt;
  }
  return std::string(Text(row, col));
}

int64_t Result::Int(int row, int col) const {
  int64_t n = 0;
  (void)absl::SimpleAtoi(Text(row, col), &n);
  return n;
}

double Result::Double(int row, int col) const {
  double d = 0;
  if (!absl::SimpleAtod(Text(row, col), &d)) return 0;
  return d;
}

std::string Result::Bytes(int row, int col) const {
  size_t length = 0;
  unsigned char* raw = PQunescapeBytea(
      reinterpret_cast<const unsigned char*>(PQgetvalue(result_.get(), row, col)), &length);
  if (raw == nullptr) {
    return std::string();
  }
  std::string out(reinterpret_cast<const char*>(raw), length);
  PQfreemem(raw);
  return out;
}

}  // namespace zp::pg
