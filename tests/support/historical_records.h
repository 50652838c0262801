#pragma once

// Generated paper-register records for the historical import's tests and benchmark: record n is
// always the same, with names that share no trigram by accident.
#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"
#include "zp/sgec/v1/sgec.pb.h"

namespace zp::testing {

inline std::string RegisterWord(int64_t n, bool arabic) {
  static const char* kLatin[] = {"b", "d", "f", "g", "k", "l", "m", "n", "r", "s", "t", "z"};
  static const char* kVowel[] = {"a", "i", "ou", "e"};
  static const char* kArabic[] = {"ب", "د", "ف", "ج", "ك", "ل", "م", "ن", "ر", "س", "ت", "ز"};
  static const char* kLong[] = {"ا", "ي", "و", "ه"};
  uint32_t x = static_cast<uint32_t>(n) * 2654435761u;  // wraps: a 32-bit multiplicative hash
  x ^= x >> 15;
  int64_t v = static_cast<int64_t>(x % 20000000);
  std::string out;
  for (int i = 0; i < 4; ++i) {
    out += arabic ? kArabic[v % 12] : kLatin[v % 12];
    v /= 12;
    out += arabic ? kLong[(v + i) % 4] : kVowel[(v + i) % 4];
  }
  if (!arabic) out[0] = static_cast<char>(out[0] - 'a' + 'A');
  return out;
}

inline void RegisterName(sgec::v1::PersonName* name, int64_t given, int64_t family) {
  name->mutable_given_name()->set_ar(RegisterWord(given, true));
  name->mutable_given_name()->set_fr(RegisterWord(given, false));
  name->mutable_family_name()->set_ar(RegisterWord(family, true));
  name->mutable_family_name()->set_fr(RegisterWord(family, false));
}

// As in real registers, names repeat: given names come from 4,000 words and family names from
// 40,000 (a person's names still differ from most others').
inline int64_t GivenWord(int64_t person) { return person % 4000; }
inline int64_t FamilyWord(int64_t person) { return 100000 + (person * 7919) % 40000; }

// Birth number `number` of `year` in `bureau` (a commune code): born on a day of January to
// November, registered a few days later.
inline sgec::v1::HistoricalRecord HistoricalBirth(const std::string& bureau, int year, int number,
                                                  int64_t person) {
  sgec::v1::HistoricalRecord r;
  r.set_bureau_code(bureau);
  r.set_year(year);
  r.set_number(number);
  r.set_kind(sgec::v1::BIRTH);
  const int month = 1 + static_cast<int>(person % 11);
  const int day = 1 + static_cast<int>(person % 20);
  r.mutable_registration_date()->set_year(year);
  r.mutable_registration_date()->set_month(month);
  r.mutable_registration_date()->set_day(day + 5);
  r.set_scan_reference(absl::StrCat("scan/", bureau, "/", year, "/N/", number, ".tif"));
  auto* b = r.mutable_birth();
  RegisterName(b->mutable_child(), GivenWord(person), FamilyWord(person));
  b->set_sex(person % 2 ? sgec::v1::MALE : sgec::v1::FEMALE);
  b->mutable_birth_date()->set_year(year);
  b->mutable_birth_date()->set_month(month);
  b->mutable_birth_date()->set_day(day);
  b->mutable_place()->set_commune_code(bureau);
  RegisterName(b->mutable_father()->mutable_name(), GivenWord(person + 1777), FamilyWord(person));
  // Child's names, birth date and mother together are one person's: records 440,000 apart (the
  // period of names and dates) have mothers of other given names.
  RegisterName(b->mutable_mother()->mutable_name(), GivenWord(person + person / 40000 + 2999),
               FamilyWord(person + 13));
  return r;
}

// Death number `number` of `year` in `bureau`.
inline sgec::v1::HistoricalRecord HistoricalDeath(const std::string& bureau, int year, int number,
                                                  int64_t person) {
  sgec::v1::HistoricalRecord r;
  r.set_bureau_code(bureau);
  r.set_year(year);
  r.set_number(number);
  r.set_kind(sgec::v1::DEATH);
  r.mutable_registration_date()->set_year(year);
  r.mutable_registration_date()->set_month(12);
  r.mutable_registration_date()->set_day(2);
  auto* d = r.mutable_death();
  RegisterName(d->mutable_deceased(), GivenWord(person), FamilyWord(person));
  d->set_sex(sgec::v1::FEMALE);
  d->mutable_death_date()->set_year(year);
  d->mutable_death_date()->set_month(11);
  d->mutable_death_date()->set_day(28);
  d->mutable_place()->set_commune_code(bureau);
  return r;
}

}  // namespace zp::testing
