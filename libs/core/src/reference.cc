#include "zp/core/reference.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "zp/core/random.h"
#include "zp/core/status.h"

namespace zp::core {
namespace {

constexpr size_t kRandomLength = 7;

int ValueOf(char c) {
  size_t pos = HumanReference::kAlphabet.find(c);
  return pos == absl::string_view::npos ? -1 : static_cast<int>(pos);
}

}  // namespace

char HumanReference::CheckCharacter(absl::string_view payload) {
  // Luhn mod N (N = 32), from the rightmost character, doubling every other one.
  constexpr int n = 32;
  int factor = 2;
  int sum = 0;
  for (auto it = payload.rbegin(); it != payload.rend(); ++it) {
    int addend = factor * ValueOf(*it);
    factor = factor == 2 ? 1 : 2;
    sum += addend / n + addend % n;
  }
  return kAlphabet[(n - sum % n) % n];
}

std::string HumanReference::Generate(absl::string_view prefix, absl::Time now) {
  std::string year = absl::FormatTime("%Y", now, absl::UTCTimeZone());
  std::string random = SecureRandomString(kRandomLength, kAlphabet);
  char check = CheckCharacter(absl::StrCat(year, random));
  return absl::StrCat(prefix, "-", year, "-", random, std::string(1, check));
}

absl::StatusOr<std::string> HumanReference::Normalize(absl::string_view text,
                                                      absl::string_view field) {
  std::string compact;
  for (char c : text) {
    if (c == '-' || c == ' ') {
      continue;
    }
    c = absl::ascii_toupper(static_cast<unsigned char>(c));
    compact.push_back(c);
  }
  size_t letters = 0;
  while (letters < compact.size() &&
         absl::ascii_isalpha(static_cast<unsigned char>(compact[letters])) && letters < 5) {
    ++letters;
  }
  // The prefix is letters; the year starts with a digit, which ends the prefix.
  const absl::string_view shape_error = "is not a reference of the form ABC-2026-XXXXXXXC";
  if (letters < 2 || compact.size() != letters + 4 + kRandomLength + 1) {
    return InvalidArgumentError(field, shape_error);
  }
  std::string prefix = compact.substr(0, letters);
  std::string body = compact.substr(letters);
  for (char& c : body) {
    if (c == 'O') {
      c = '0';
    } else if (c == 'I' || c == 'L') {
      c = '1';
    }
    if (ValueOf(c) < 0) {
      return InvalidArgumentError(field, shape_error);
    }
  }
  for (int i = 0; i < 4; ++i) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(body[i]))) {
      return InvalidArgumentError(field, shape_error);
    }
  }
  absl::string_view payload = absl::string_view(body).substr(0, body.size() - 1);
  if (CheckCharacter(payload) != body.back()) {
    return InvalidArgumentError(field, "has a wrong check character (mistyped reference?)");
  }
  return absl::StrCat(prefix, "-", body.substr(0, 4), "-", body.substr(4));
}

}  // namespace zp::core
