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

// The words of a free text (a complaint, a letter) for full-text search: split at every character
// that is neither a letter nor a digit (the punctuation of both scripts), each word normalised as
// NormalizeName does, Arabic-Indic digits as ASCII ones, one-character words dropped, each word
// once, in order of first appearance. An Arabic word that begins with the article or a clinging
// particle (ال، وال، بال، فال، كال، لل) is indexed both as written and without it, so that
// "المصابيح" and "مصابيح" find each other; a query word is read without it (`kQuery`).
enum class WordsFor { kIndex, kQuery };
std::vector<std::string> TextWords(absl::string_view text, WordsFor use = WordsFor::kIndex);

// French "de" before a place name, elided before a vowel: "d'Assilah", "d'Essaouira",
// "d'Ifrane", "de Tanger" (an initial h is left alone: most Moroccan names aspirate it).
std::string FrenchDe(absl::string_view name);

// Whether the text holds at least one letter of that script (digits and punctuation aside).
bool HasArabicLetter(absl::string_view text);
bool HasLatinLetter(absl::string_view text);

// The code point at byte `i` of UTF-8 text, `i` moved past it; an invalid sequence is U+FFFD.
char32_t NextCodePoint(absl::string_view text, size_t& i);
bool IsArabicLetter(char32_t c);
bool IsLatinLetter(char32_t c);  // ASCII, Latin-1 and Latin Extended-A letters

// True when every letter is Arabic (spaces, hyphens and diacritics allowed) and there is one.
bool IsArabicScript(absl::string_view text);
// True when every letter is Latin (ASCII or Latin-1/Extended-A; spaces, hyphens, apostrophes
// allowed) and there is one.
bool IsLatinScript(absl::string_view text);

}  // namespace zp::names
