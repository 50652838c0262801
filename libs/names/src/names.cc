#include "zp/names/names.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string_view>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace zp::names {
// Decodes one code point; invalid sequences yield U+FFFD (protobuf strings are valid UTF-8).
char32_t NextCodePoint(absl::string_view s, size_t& i) {
  const auto b = static_cast<unsigned char>(s[i]);
  int len = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 0;
  if (len == 0 || i + len > s.size()) {
    ++i;
    return 0xFFFD;
  }
  char32_t cp = len == 1 ? b : len == 2 ? (b & 0x1F) : len == 3 ? (b & 0x0F) : (b & 0x07);
  for (int k = 1; k < len; ++k) {
    cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  }
  i += len;
  return cp;
}

bool IsArabicLetter(char32_t c) {
  return (c >= 0x0621 && c <= 0x064A) || (c >= 0x0671 && c <= 0x06D3) || c == 0x06D5 ||
         (c >= 0x06FA && c <= 0x06FC) || (c >= 0x0750 && c <= 0x077F) ||
         (c >= 0x08A0 && c <= 0x08C9) || (c >= 0xFB50 && c <= 0xFDFB) ||
         (c >= 0xFE70 && c <= 0xFEFC);
}

bool IsLatinLetter(char32_t c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= 0x00C0 && c <= 0x017F && c != 0x00D7 && c != 0x00F7);
}

namespace {

void Append(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Base letters of U+00C0..U+00FF and U+0100..U+017F; 'A' = "ae", 'S' = "ss", 'Q' = "oe",
// 'J' = "ij", '*' = not a letter.
constexpr std::string_view kLatin1 =
    "aaaaaaAceeeeiiiidnooooo*ouuuuytSaaaaaaAceeeeiiiidnooooo*ouuuuyty";
constexpr std::string_view kExtendedA =
    "aaaaaaccccccccddddeeeeeeeeeegggggggghhhhiiiiiiiiiiJJjjkkkllllllllllnnnnnnnnnooooooQQrrrrrrssss"
    "ssssttttttuuuuuuuuuuuuwwyyyzzzzzzs";

bool IsArabicMark(char32_t c) {
  return (c >= 0x064B && c <= 0x065F) || c == 0x0670 || c == 0x0640 || (c >= 0x06D6 && c <= 0x06ED);
}
bool IsSeparator(char32_t c) {
  return c == ' ' || c == '\t' || c == '-' || c == '\'' || c == 0x2019 || c == 0x00A0;
}

// Appends the normalised form of one code point ("" for dropped marks).
void AppendNormalized(std::string& out, char32_t c) {
  if (c >= 'A' && c <= 'Z') {
    out.push_back(static_cast<char>(c - 'A' + 'a'));
    return;
  }
  if (c >= 0x00C0 && c <= 0x017F) {
    char base = c <= 0x00FF ? kLatin1[c - 0x00C0] : kExtendedA[c - 0x0100];
    switch (base) {
      case 'A':
        out += "ae";
        return;
      case 'S':
        out += "ss";
        return;
      case 'Q':
        out += "oe";
        return;
      case 'J':
        out += "ij";
        return;
      case '*':
        Append(out, c);
        return;
      default:
        out.push_back(base);
        return;
    }
  }
  if (IsArabicMark(c)) {
    return;
  }
  switch (c) {
    case 0x0622:
    case 0x0623:
    case 0x0625:
    case 0x0671:
      Append(out, 0x0627);
      return;  // alef
    case 0x0649:
    case 0x06CC:
    case 0x0626:
      Append(out, 0x064A);
      return;  // yaa
    case 0x0629:
      Append(out, 0x0647);
      return;  // taa marbuta
    case 0x0624:
      Append(out, 0x0648);
      return;  // waw hamza
    case 0x06A9:
      Append(out, 0x0643);
      return;  // keheh
    default:
      Append(out, c);
  }
}

template <typename IsLetter, typename IsAllowed>
bool AllOfScript(absl::string_view text, IsLetter is_letter, IsAllowed is_allowed) {
  bool any = false;
  for (size_t i = 0; i < text.size();) {
    char32_t c = NextCodePoint(text, i);
    if (is_letter(c)) {
      any = true;
    } else if (!IsSeparator(c) && !is_allowed(c)) {
      return false;
    }
  }
  return any;
}

}  // namespace

std::string NormalizeName(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool pending_space = false;
  for (size_t i = 0; i < text.size();) {
    char32_t c = NextCodePoint(text, i);
    if (IsSeparator(c) || c == '\n' || c == '\r' || c == '.' || c == ',') {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) {
      out.push_back(' ');
      pending_space = false;
    }
    AppendNormalized(out, c);
  }
  return out;
}

std::string NameKey(absl::string_view normalized) {
  std::string out;
  char32_t last = 0;
  for (absl::string_view word : absl::StrSplit(normalized, ' ', absl::SkipEmpty())) {
    if (word == "el" || word == "al") continue;
    if (absl::StartsWith(word, "ال") && word.size() > std::string_view("ال").size()) {
      word.remove_prefix(std::string_view("ال").size());
    }
    for (size_t i = 0; i < word.size();) {
      char32_t c = NextCodePoint(word, i);
      switch (c) {
        case 'a':
        case 'e':
        case 'i':
        case 'o':
        case 'u':
        case 'y':
        case 0x0627:
        case 0x0648:
        case 0x064A:
        case 0x0621:  // alef, waw, yaa, hamza
          continue;
        case 'c':
        case 'q':
          c = 'k';
          break;
        default:
          break;
      }
      if (c != last) Append(out, c);
      last = c;
    }
  }
  return out;
}

std::vector<std::string> NameLexemes(absl::string_view normalized_ar,
                                     absl::string_view normalized_lat) {
  std::vector<std::string> out;
  auto add = [&out](std::string lexeme) {
    if (std::find(out.begin(), out.end(), lexeme) == out.end()) out.push_back(std::move(lexeme));
  };
  for (absl::string_view text : {normalized_ar, normalized_lat}) {
    std::vector<absl::string_view> words = absl::StrSplit(text, ' ', absl::SkipEmpty());
    for (size_t i = 0; i < words.size(); ++i) {
      add(std::string(words[i]));
      for (size_t j = 0; j < words.size(); ++j) {
        if (i != j) add(absl::StrCat(words[i], "_", words[j]));
      }
    }
  }
  return out;
}

namespace {

bool IsWordCharacter(char32_t c) {
  return IsArabicLetter(c) || IsArabicMark(c) || IsLatinLetter(c) || (c >= '0' && c <= '9') ||
         (c >= 0x0660 && c <= 0x0669) || (c >= 0x06F0 && c <= 0x06F9);
}

size_t CodePoints(absl::string_view word) {
  size_t n = 0;
  for (size_t i = 0; i < word.size();) {
    (void)NextCodePoint(word, i);
    ++n;
  }
  return n;
}

// The Arabic word without its article or clinging particle, when what remains is a word.
std::optional<std::string> WithoutArticle(absl::string_view word) {
  // Normalised forms: alef variants are already ا.
  static constexpr absl::string_view kPrefixes[] = {"وال", "بال", "فال", "كال", "ال", "لل"};
  for (absl::string_view prefix : kPrefixes) {
    if (absl::StartsWith(word, prefix) && CodePoints(word.substr(prefix.size())) >= 2) {
      return std::string(word.substr(prefix.size()));
    }
  }
  return std::nullopt;
}

}  // namespace

std::vector<std::string> TextWords(absl::string_view text, WordsFor use) {
  std::vector<std::string> out;
  absl::flat_hash_set<std::string> seen;
  auto add = [&](std::string word) {
    if (CodePoints(word) >= 2 && seen.insert(word).second) out.push_back(std::move(word));
  };
  std::string word;
  auto flush = [&] {
    if (word.empty()) return;
    std::optional<std::string> bare = WithoutArticle(word);
    if (!bare.has_value()) {
      add(std::move(word));
    } else {
      if (use == WordsFor::kIndex) add(std::move(word));
      add(std::move(*bare));
    }
    word.clear();
  };
  for (size_t i = 0; i < text.size();) {
    const char32_t c = NextCodePoint(text, i);
    if (!IsWordCharacter(c)) {
      flush();
    } else if (c >= 0x0660 && c <= 0x0669) {
      word.push_back(static_cast<char>('0' + (c - 0x0660)));
    } else if (c >= 0x06F0 && c <= 0x06F9) {
      word.push_back(static_cast<char>('0' + (c - 0x06F0)));
    } else {
      AppendNormalized(word, c);
    }
  }
  flush();
  return out;
}

std::string FrenchDe(absl::string_view name) {
  size_t i = 0;
  const char32_t first = name.empty() ? 0 : NextCodePoint(name, i);
  static constexpr std::u32string_view kVowels = U"AEIOUaeiouÀÂÄÉÈÊËÎÏÔÖÙÛÜàâäéèêëîïôöùûü";
  const bool vowel = first != 0 && kVowels.find(first) != std::u32string_view::npos;
  return absl::StrCat(vowel ? "d'" : "de ", name);
}

bool HasArabicLetter(absl::string_view text) {
  for (size_t i = 0; i < text.size();) {
    if (IsArabicLetter(NextCodePoint(text, i))) return true;
  }
  return false;
}

bool HasLatinLetter(absl::string_view text) {
  for (size_t i = 0; i < text.size();) {
    if (IsLatinLetter(NextCodePoint(text, i))) return true;
  }
  return false;
}

bool IsArabicScript(absl::string_view text) {
  return AllOfScript(text, IsArabicLetter, IsArabicMark);
}

bool IsLatinScript(absl::string_view text) {
  return AllOfScript(text, IsLatinLetter, [](char32_t c) { return c == '.'; });
}

}  // namespace zp::names
