#include "services/sgec/src/idcs.h"

#include "absl/strings/str_cat.h"
#include "zp/core/random.h"

namespace zp::sgec {

int Iso7064Mod1110CheckDigit(absl::string_view digits) {
  int p = 10;
  for (char ch : digits) {
    if (ch < '0' || ch > '9') {
      return -1;
    }
    int s = (p + (ch - '0')) % 10;
    if (s == 0) s = 10;
    p = (2 * s) % 11;
  }
  return (11 - p) % 10;
}

bool IsValidIdcs(absl::string_view idcs) {
  if (idcs.size() != 10) {
    return false;
  }
  int check = Iso7064Mod1110CheckDigit(idcs.substr(0, 9));
  return check >= 0 && idcs[9] == static_cast<char>('0' + check);
}

std::string NewIdcs() {
  const std::string digits = core::SecureRandomString(9, "0123456789");
  return absl::StrCat(digits, Iso7064Mod1110CheckDigit(digits));
}

}  // namespace zp::sgec
