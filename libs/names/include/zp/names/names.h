#pragma once

// Name normalisation for matching (civil-registry search, duplicate detection, order tracking),
// and script checks.

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace zp::names {

// Arabic: drops diacritics (harakat, superscript alef) and tatweel; alef variants -> ا,
// yaa variants -> ي, taa marbuta -> ه, waw with hamza -> و, keheh -> ك; spaces collapsed.
// Latin: lower case, accents removed (Latin-1 and Latin Extended-A), hyphens and apostrophes
// become spaces; spaces collapsed. Characters of the other script pass through lower-cased.
std::string NormalizeName(absl::string_view text);

// The consonant skeleton of a normalised name, the blocking key of duplicate detection: only rows
// with the same key in one script (and the same date) are compared by similarity. Latin: vowels
// and y dropped, c/q -> k, doubled letters single, "el"/"al" articles dropped. Arabic: alef, waw,
// yaa and hamza dropped, doubled letters single, the article "ال" dropped. Spaces are ignored.
std::string NameKey(absl::string_view normalized);

// The lexemes indexed for name search (acts.name_words): every word of the two normalised names,
// and every ordered pair of words of one script joined by '_' ("mohamed_alaoui",
// "alaoui_mohamed"), so that a query of two words finds its acts through one short posting list.
std::vector<std::string> NameLexemes(absl::string_view normalized_ar,
                                     absl::string_view normalized_lat);

// True when every letter is Arabic (spaces, hyphens and diacritics allowed) and there is one.
bool IsArabicScript(absl::string_view text);
// True when every letter is Latin (ASCII or Latin-1/Extended-A; spaces, hyphens, apostrophes
// allowed) and there is one.
bool IsLatinScript(absl::string_view text);

}  // namespace zp::names
