// SGEC rules that need no database: IDCS, name normalisation, declaration and mention checks.
#include <set>

#include "catch2/catch.hpp"
#include "services/sgec/src/act_rows.h"
#include "services/sgec/src/idcs.h"
#include "services/sgec/src/names.h"
#include "services/sgec/src/rules.h"
#include "zp/core/status.h"

namespace zp::sgec {
namespace {

const territory::Referential& Ref() {
  static auto ref = *territory::Referential::LoadEmbedded();
  return *ref;
}

const absl::CivilDay kToday(2026, 6, 15);

void SetName(v1::PersonName* n, const char* given_ar, const char* given_fr, const char* family_ar,
             const char* family_fr) {
  n->mutable_given_name()->set_ar(given_ar);
  n->mutable_given_name()->set_fr(given_fr);
  n->mutable_family_name()->set_ar(family_ar);
  n->mutable_family_name()->set_fr(family_fr);
}

void SetDate(common::v1::Date* d, int y, int m, int day) {
  d->set_year(y);
  d->set_month(m);
  d->set_day(day);
}

v1::BirthDeclaration Birth() {
  v1::BirthDeclaration b;
  SetName(b.mutable_child(), "يوسف", "Youssef", "العلوي", "Alaoui");
  b.set_sex(v1::MALE);
  SetDate(b.mutable_birth_date(), 2026, 6, 1);
  b.set_birth_time("08:30");
  b.mutable_place()->set_commune_code("01.511.01.01");
  SetName(b.mutable_mother()->mutable_name(), "فاطمة", "Fatima", "بناني", "Bennani");
  SetName(b.mutable_declarant()->mutable_name(), "محمد", "Mohamed", "العلوي", "Alaoui");
  b.mutable_declarant()->set_relation(v1::FATHER);
  return b;
}

v1::DeathDeclaration Death() {
  v1::DeathDeclaration d;
  SetName(d.mutable_deceased(), "أحمد", "Ahmed", "التازي", "Tazi");
  d.set_sex(v1::MALE);
  SetDate(d.mutable_death_date(), 2026, 6, 10);
  d.mutable_place()->set_commune_code("01.511.01.01");
  SetName(d.mutable_declarant()->mutable_name(), "سعيد", "Said", "التازي", "Tazi");
  d.mutable_declarant()->set_relation(v1::BROTHER);
  d.mutable_declarant()->set_precedence_reason("the father and mother are deceased");
  return d;
}

std::string Reason(const absl::Status& s) { return core::ReasonOf(s).value_or(""); }
std::string Field(const absl::Status& s) {
  auto v = core::FieldViolationsOf(s);
  return v.empty() ? "" : v.front().field;
}

TEST_CASE("sgec: ISO 7064 MOD 11-10 check digits", "[unit][sgec]") {
  CHECK(Iso7064Mod1110CheckDigit("0794") == 5);  // the standard's example: 07945
  CHECK(Iso7064Mod1110CheckDigit("12a") == -1);
  std::set<std::string> seen;
  int transpositions = 0;
  int transpositions_detected = 0;
  for (int i = 0; i < 2000; ++i) {
    std::string idcs = NewIdcs();
    REQUIRE(idcs.size() == 10);
    REQUIRE(IsValidIdcs(idcs));
    seen.insert(idcs);
    // Every single-digit substitution is detected.
    for (int pos = 0; pos < 10; pos += 3) {
      std::string changed = idcs;
      changed[pos] = static_cast<char>('0' + (changed[pos] - '0' + 1) % 10);
      REQUIRE_FALSE(IsValidIdcs(changed));
    }
    // Most transpositions of adjacent digits are (about 97.7 % for MOD 11-10).
    if (idcs[2] != idcs[3]) {
      std::string swapped = idcs;
      std::swap(swapped[2], swapped[3]);
      ++transpositions;
      transpositions_detected += IsValidIdcs(swapped) ? 0 : 1;
    }
  }
  CHECK(seen.size() == 2000);
  CHECK(transpositions_detected > transpositions * 95 / 100);
  CHECK_FALSE(IsValidIdcs("123456789"));
  CHECK_FALSE(IsValidIdcs("12345678901"));
  CHECK_FALSE(IsValidIdcs("abcdefghij"));
}

TEST_CASE("sgec: Arabic names normalise diacritics, tatweel, alef, yaa, taa marbuta",
          "[unit][sgec]") {
  CHECK(NormalizeName("أحمد") == NormalizeName("احمد"));
  CHECK(NormalizeName("إبراهيم") == NormalizeName("ابراهيم"));
  CHECK(NormalizeName("آمنة") == NormalizeName("امنه"));
  CHECK(NormalizeName("فَاطِمَة") == NormalizeName("فاطمه"));
  CHECK(NormalizeName("محـــمد") == "محمد");
  CHECK(NormalizeName("مصطفى") == NormalizeName("مصطفي"));
  CHECK(NormalizeName("  عبد   الله  ") == "عبد الله");
  CHECK(NormalizeName("عبد-الله") == "عبد الله");
}

TEST_CASE("sgec: Latin names normalise case, accents, hyphens and apostrophes", "[unit][sgec]") {
  CHECK(NormalizeName("Éléonore") == "eleonore");
  CHECK(NormalizeName("EL-ALAOUI") == "el alaoui");
  CHECK(NormalizeName("Aït Ben  Haddou") == "ait ben haddou");
  CHECK(NormalizeName("N'Diaye") == "n diaye");
  CHECK(NormalizeName("Œuvray Strauß") == "oeuvray strauss");
  CHECK(NormalizeName("Łukasz Žižek") == "lukasz zizek");
  CHECK(NormalizeName(" - ' ").empty());
}

TEST_CASE("sgec: name keys block spelling variants together", "[unit][sgec]") {
  auto key = [](const char* name) { return NameKey(NormalizeName(name)); };
  CHECK(key("Mohamed Alaoui") == key("Mohammed El Alaoui"));
  CHECK(key("Mohamed Alaoui") == key("Mouhamad ALAOUI"));
  CHECK(key("Youssef Bekkali") == key("Yousef Bakkali"));
  CHECK(key("Abdellah Sqalli") == key("Abdallah Skalli"));
  CHECK(key("يوسف العلوي") == key("يُوسُف علوي"));
  CHECK(key("فاطمة الزهراء") == key("فاطمه زهراء"));
  CHECK(key("Youssef Alaoui") != key("Karim Alaoui"));
  CHECK(key("يوسف العلوي") != key("كريم العلوي"));
}

TEST_CASE("sgec: search lexemes are the words and their ordered pairs, per script",
          "[unit][sgec]") {
  auto lexemes = NameLexemes(NormalizeName("عبد الله العلوي"), NormalizeName("Abdellah Alaoui"));
  std::set<std::string> got(lexemes.begin(), lexemes.end());
  CHECK(got.size() == lexemes.size());
  CHECK(got.count("abdellah") == 1);
  CHECK(got.count("abdellah_alaoui") == 1);
  CHECK(got.count("alaoui_abdellah") == 1);
  CHECK(got.count("عبد_الله") == 1);
  CHECK(got.count("العلوي_عبد") == 1);
  CHECK(got.count("abdellah_العلوي") == 0);  // no pairs across scripts
  CHECK(lexemes.size() == 3 + 6 + 2 + 2);
}

TEST_CASE("sgec: script checks", "[unit][sgec]") {
  CHECK(IsArabicScript("العلوي"));
  CHECK(IsArabicScript("عبد الله"));
  CHECK(IsArabicScript("فَاطِمَة"));
  CHECK_FALSE(IsArabicScript("Alaoui"));
  CHECK_FALSE(IsArabicScript("العلوي Alaoui"));
  CHECK_FALSE(IsArabicScript("محمد2"));
  CHECK_FALSE(IsArabicScript(" "));
  CHECK(IsLatinScript("Aït Ben Haddou"));
  CHECK(IsLatinScript("N'Diaye"));
  CHECK_FALSE(IsLatinScript("محمد"));
  CHECK_FALSE(IsLatinScript("R2D2"));
  CHECK_FALSE(IsLatinScript("Ali 😀"));
}

TEST_CASE("sgec: a complete birth declaration is valid", "[unit][sgec]") {
  CHECK(ValidateBirth(Birth(), kToday, false, Ref()).ok());
}

TEST_CASE("sgec: names in the wrong script or empty name the field", "[unit][sgec]") {
  auto b = Birth();
  b.mutable_child()->mutable_given_name()->set_ar("Youssef");
  auto s = ValidateBirth(b, kToday, false, Ref());
  CHECK(s.code() == absl::StatusCode::kInvalidArgument);
  CHECK(Field(s) == "birth.child.given_name.ar");

  b = Birth();
  b.mutable_child()->mutable_family_name()->set_fr("العلوي");
  CHECK(Field(ValidateBirth(b, kToday, false, Ref())) == "birth.child.family_name.fr");

  b = Birth();
  b.mutable_child()->mutable_given_name()->set_fr(" - ");
  s = ValidateBirth(b, kToday, false, Ref());
  CHECK(Field(s) == "birth.child.given_name.fr");
  CHECK(core::FieldViolationsOf(s).front().description == "required");
}

TEST_CASE("sgec: a name part has at most 100 characters, in either script", "[unit][sgec]") {
  auto letters = [](const std::string& letter, int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s += letter;
    return s;
  };
  auto b = Birth();
  b.mutable_child()->mutable_given_name()->set_fr(letters("a", 100));
  b.mutable_child()->mutable_given_name()->set_ar(letters("ب", 100));
  CHECK(ValidateBirth(b, kToday, false, Ref()).ok());
  b.mutable_child()->mutable_given_name()->set_fr(letters("a", 101));
  auto s = ValidateBirth(b, kToday, false, Ref());
  CHECK(Field(s) == "birth.child.given_name.fr");
  CHECK(core::FieldViolationsOf(s).front().description == "longer than 100 characters");
  b = Birth();
  b.mutable_child()->mutable_family_name()->set_ar(letters("ب", 101));  // 202 bytes
  CHECK(Field(ValidateBirth(b, kToday, false, Ref())) == "birth.child.family_name.ar");
}

TEST_CASE("sgec: place, dates, time, parents' identifiers are checked", "[unit][sgec]") {
  auto b = Birth();
  b.mutable_place()->set_commune_code("01.511");  // a province, not a commune
  CHECK(Field(ValidateBirth(b, kToday, false, Ref())) == "birth.place.commune_code");
  b = Birth();
  SetDate(b.mutable_birth_date(), 2026, 2, 30);
  CHECK(Field(ValidateBirth(b, kToday, false, Ref())) == "birth.birth_date");
  b = Birth();
  b.set_birth_time("25:00");
  CHECK(Field(ValidateBirth(b, kToday, false, Ref())) == "birth.birth_time");
  b = Birth();
  b.mutable_mother()->set_idcs("1234567890");
  CHECK(Field(ValidateBirth(b, kToday, false, Ref())) == "birth.mother.idcs");
  b = Birth();
  b.mutable_father()->set_cin("123");
  // A father with only a CIN must still be named.
  CHECK(Field(ValidateBirth(b, kToday, false, Ref())).rfind("birth.father", 0) == 0);
  b = Birth();
  b.mutable_place()->Clear();
  b.mutable_place()->set_country_code("FR");
  CHECK(Field(ValidateBirth(b, kToday, false, Ref())) == "birth.place.city");
}

TEST_CASE("sgec: a place's address is in both scripts, Arabic required in Morocco",
          "[unit][sgec]") {
  auto b = Birth();
  auto* address = b.mutable_place()->mutable_address();
  address->set_ar("مستشفى محمد الخامس، 12 شارع الحسن الثاني");
  address->set_fr("Hôpital Mohammed V, 12 avenue Hassan II");
  CHECK(ValidateBirth(b, kToday, false, Ref()).ok());
  // In Morocco a French address alone would print Latin in the Arabic column.
  address->clear_ar();
  CHECK(Field(ValidateBirth(b, kToday, false, Ref())) == "birth.place.address.ar");
  address->set_ar("Hopital Mohammed V");  // Latin letters only
  CHECK(Field(ValidateBirth(b, kToday, false, Ref())) == "birth.place.address.ar");
  address->set_ar("مستشفى محمد الخامس");
  address->set_fr("مستشفى");
  CHECK(Field(ValidateBirth(b, kToday, false, Ref())) == "birth.place.address.fr");
  address->clear_fr();
  CHECK(Field(ValidateBirth(b, kToday, false, Ref())) == "birth.place.address.fr");
  // The single-script text is refused; no address at all is fine.
  b = Birth();
  b.mutable_place()->set_place_text("Hôpital Mohammed V");
  CHECK(Field(ValidateBirth(b, kToday, false, Ref())) == "birth.place.place_text");
  b = Birth();
  CHECK(ValidateBirth(b, kToday, false, Ref()).ok());
  // Abroad the French suffices.
  b.mutable_place()->Clear();
  b.mutable_place()->set_country_code("FR");
  b.mutable_place()->set_city("Lyon");
  b.mutable_place()->mutable_address()->set_fr("Hôpital Édouard-Herriot");
  SetDate(b.mutable_birth_date(), 2026, 6, 1);
  CHECK(ValidateBirth(b, kToday, false, Ref()).ok());
}

TEST_CASE("sgec: French elides de before a vowel in a place's name", "[unit][sgec]") {
  CHECK(names::FrenchDe("Assilah") == "d'Assilah");
  CHECK(names::FrenchDe("Essaouira") == "d'Essaouira");
  CHECK(names::FrenchDe("Ifrane") == "d'Ifrane");
  CHECK(names::FrenchDe("Oujda") == "d'Oujda");
  CHECK(names::FrenchDe("Él Jadida") == "d'Él Jadida");
  CHECK(names::FrenchDe("Tanger") == "de Tanger");
  CHECK(names::FrenchDe("Had Soualem") == "de Had Soualem");
  CHECK(names::FrenchDe("") == "de ");
}

TEST_CASE("sgec: births in the future are refused", "[unit][sgec]") {
  auto b = Birth();
  SetDate(b.mutable_birth_date(), 2026, 6, 16);
  auto s = ValidateBirth(b, kToday, false, Ref());
  CHECK(Reason(s) == reasons::kFutureDate);
  CHECK(Field(s) == "birth.birth_date");
}

TEST_CASE("sgec: late declarations need a court judgment (30 days, one year abroad)",
          "[unit][sgec]") {
  auto b = Birth();
  SetDate(b.mutable_birth_date(), 2026, 5, 16);  // 30 days before
  CHECK(ValidateBirth(b, kToday, false, Ref()).ok());
  SetDate(b.mutable_birth_date(), 2026, 5, 15);  // 31 days before
  auto s = ValidateBirth(b, kToday, false, Ref());
  CHECK(s.code() == absl::StatusCode::kInvalidArgument);
  CHECK(Reason(s) == reasons::kLateDeclaration);
  CHECK(Field(s) == "birth.judgment");
  b.mutable_judgment()->set_authority("Tribunal de première instance de Tanger");
  b.mutable_judgment()->set_number("123/2026");
  SetDate(b.mutable_judgment()->mutable_date(), 2026, 6, 1);
  CHECK(ValidateBirth(b, kToday, false, Ref()).ok());

  auto abroad = Birth();
  abroad.mutable_place()->Clear();
  abroad.mutable_place()->set_country_code("FR");
  abroad.mutable_place()->set_city("Lyon");
  SetDate(abroad.mutable_birth_date(), 2025, 7, 1);  // 349 days
  CHECK(ValidateBirth(abroad, kToday, false, Ref()).ok());
  SetDate(abroad.mutable_birth_date(), 2025, 6, 14);  // 366 days
  CHECK(Reason(ValidateBirth(abroad, kToday, false, Ref())) == reasons::kLateDeclaration);
  abroad.mutable_place()->set_country_code("XX");  // no such country
  CHECK(core::FieldViolationsOf(ValidateBirth(abroad, kToday, false, Ref())).at(0).field ==
        "birth.place.country_code");

  auto death = Death();
  SetDate(death.mutable_death_date(), 2026, 4, 1);
  CHECK(Reason(ValidateDeath(death, kToday, false, Ref())) == reasons::kLateDeclaration);
}

TEST_CASE("sgec: declarants follow the order of precedence", "[unit][sgec]") {
  auto b = Birth();
  b.mutable_declarant()->set_relation(v1::BROTHER);
  auto s = ValidateBirth(b, kToday, false, Ref());
  CHECK(Reason(s) == reasons::kDeclarantPrecedence);
  CHECK(Field(s) == "birth.declarant.precedence_reason");
  b.mutable_declarant()->set_precedence_reason("father abroad, mother hospitalised");
  CHECK(ValidateBirth(b, kToday, false, Ref()).ok());
  b.mutable_declarant()->set_relation(v1::MOTHER);
  b.mutable_declarant()->clear_precedence_reason();
  CHECK(ValidateBirth(b, kToday, false, Ref()).ok());
  // A health facility's notification may come without a declarant; a declaration may not.
  b.clear_declarant();
  CHECK(ValidateBirth(b, kToday, true, Ref()).ok());
  CHECK(Field(ValidateBirth(b, kToday, false, Ref())).rfind("birth.declarant", 0) == 0);
}

TEST_CASE("sgec: the child's family name is the identified father's", "[unit][sgec]") {
  RegisteredPerson father;
  father.family_name_ar = "العَلوي";  // registered with a diacritic
  father.family_name_fr = "ALAOUI";
  CHECK(CheckFamilyName(Birth(), father).ok());
  father.family_name_fr = "Tazi";
  auto s = CheckFamilyName(Birth(), father);
  CHECK(Reason(s) == reasons::kFamilyNameMismatch);
  CHECK(Field(s) == "birth.child.family_name.fr");
}

TEST_CASE("sgec: a death is not before the birth", "[unit][sgec]") {
  auto d = Death();
  CHECK(ValidateDeath(d, kToday, false, Ref()).ok());
  SetDate(d.mutable_deceased_birth_date(), 2026, 6, 11);
  CHECK(Reason(ValidateDeath(d, kToday, false, Ref())) == reasons::kDeathBeforeBirth);
  CHECK(Reason(CheckDeathAfterBirth(Death(), absl::CivilDay(2026, 6, 12))) ==
        reasons::kDeathBeforeBirth);
  CHECK(CheckDeathAfterBirth(Death(), absl::CivilDay(1950, 1, 1)).ok());
}

TEST_CASE("sgec: workflow transitions", "[unit][sgec]") {
  using v1::DeclarationState;
  struct Row {
    DeclarationState state;
    bool validate, reject, review, reg;
  };
  for (const Row& r :
       {Row{v1::NOTIFIED, true, true, true, false}, Row{v1::DECLARED, true, true, true, false},
        Row{v1::VALIDATED, false, true, true, true},
        Row{v1::REGISTERED, false, false, false, false},
        Row{v1::REJECTED, false, false, false, false}}) {
    INFO(v1::DeclarationState_Name(r.state));
    CHECK(CheckTransition(r.state, Step::kValidate).ok() == r.validate);
    CHECK(CheckTransition(r.state, Step::kReject).ok() == r.reject);
    CHECK(CheckTransition(r.state, Step::kReviewDuplicate).ok() == r.review);
    CHECK(CheckTransition(r.state, Step::kRegister).ok() == r.reg);
  }
  CHECK(Reason(CheckTransition(v1::REGISTERED, Step::kReject)) == reasons::kInvalidState);
}

// A mention of `kind` taking effect on y-m-d.
v1::Mention MentionOn(v1::MentionKind kind, int y, int m, int d) {
  v1::Mention out;
  out.set_kind(kind);
  out.set_contract_reference("ADL-2026-77");
  SetDate(out.mutable_effective_date(), y, m, d);
  SetDate(out.mutable_contract_date(), y, m, d);
  return out;
}

TEST_CASE("sgec: mentions follow the person's status history", "[unit][sgec]") {
  v1::Act act;
  act.set_kind(v1::BIRTH);
  SetDate(act.mutable_current_birth()->mutable_birth_date(), 2000, 4, 10);
  auto field = [](const absl::Status& s) { return Field(s); };

  // Nothing before the birth: the marriage printed two days after it is refused.
  const v1::Mention early = MentionOn(v1::MENTION_MARRIAGE, 2000, 4, 12);
  CHECK(Reason(CheckMentionInHistory(early, act)) == reasons::kMinorMarriage);
  const v1::Mention before_birth = MentionOn(v1::MENTION_MARRIAGE, 1999, 1, 1);
  CHECK(Reason(CheckMentionInHistory(before_birth, act)) == reasons::kMentionBeforeBirth);
  CHECK(field(CheckMentionInHistory(before_birth, act)) == "mention.effective_date");

  // Under 18 on the marriage date: only with the judge's authorisation, granted before.
  v1::Mention minor = MentionOn(v1::MENTION_MARRIAGE, 2017, 9, 1);
  CHECK(field(CheckMentionInHistory(minor, act)) == "mention.minor_marriage_authorisation");
  auto* granted = minor.mutable_minor_marriage_authorisation();
  granted->set_authority("Juge de la famille, Tanger");
  granted->set_number("12/2017");
  SetDate(granted->mutable_date(), 2017, 9, 2);  // after the marriage: not an authorisation
  CHECK(Reason(CheckMentionInHistory(minor, act)) == reasons::kMinorMarriage);
  SetDate(granted->mutable_date(), 2017, 8, 20);
  CHECK(CheckMentionInHistory(minor, act).ok());
  CHECK(CheckMentionInHistory(MentionOn(v1::MENTION_MARRIAGE, 2018, 4, 10), act).ok());  // 18

  // Marriage and divorce alternate, in order.
  CHECK(Reason(CheckMentionInHistory(MentionOn(v1::MENTION_DIVORCE, 2021, 1, 1), act)) ==
        reasons::kNoMarriage);
  *act.add_mentions() = MentionOn(v1::MENTION_MARRIAGE, 2020, 6, 1);
  CHECK(Reason(CheckMentionInHistory(MentionOn(v1::MENTION_MARRIAGE, 2022, 1, 1), act)) ==
        reasons::kAlreadyMarried);
  CHECK(Reason(CheckMentionInHistory(MentionOn(v1::MENTION_DIVORCE, 2019, 1, 1), act)) ==
        reasons::kMentionOutOfOrder);
  CHECK(CheckMentionInHistory(MentionOn(v1::MENTION_DIVORCE, 2021, 1, 1), act).ok());
  *act.add_mentions() = MentionOn(v1::MENTION_DIVORCE, 2021, 1, 1);
  CHECK(CheckMentionInHistory(MentionOn(v1::MENTION_MARRIAGE, 2022, 1, 1), act).ok());

  // Nothing after the death, and no marriage of the deceased.
  v1::Mention death = MentionOn(v1::MENTION_DEATH, 2024, 5, 5);
  *act.add_mentions() = death;
  CHECK(Reason(CheckMentionInHistory(MentionOn(v1::MENTION_DIVORCE, 2024, 6, 1), act)) ==
        reasons::kMentionAfterDeath);
  act.set_deceased(true);
  CHECK(Reason(CheckMentionInHistory(MentionOn(v1::MENTION_MARRIAGE, 2024, 1, 1), act)) ==
        reasons::kSubjectDeceased);
}

TEST_CASE("sgec: mentions are checked by kind", "[unit][sgec]") {
  v1::Mention m;
  m.set_kind(v1::MENTION_DEATH);
  CHECK(Field(ValidateMention(m, kToday)) == "mention.kind");

  m.set_kind(v1::MENTION_MARRIAGE);
  CHECK(ValidateMention(m, kToday).code() == absl::StatusCode::kInvalidArgument);
  m.set_contract_reference("ADL-2026-77");
  SetDate(m.mutable_contract_date(), 2026, 5, 2);
  SetName(m.mutable_spouse(), "سلمى", "Salma", "الفاسي", "El Fassi");
  CHECK(ValidateMention(m, kToday).ok());

  v1::Mention r;
  r.set_kind(v1::MENTION_RECTIFICATION);
  auto* fix = r.add_rectifications();
  fix->set_field("child.given_name.fr");
  fix->set_value("Yousef");
  auto s = ValidateMention(r, kToday);
  CHECK(Reason(s) == reasons::kRectificationBasis);
  r.mutable_legal_basis()->set_authority("Tribunal de première instance de Tanger");
  r.mutable_legal_basis()->set_number("55/2026");
  SetDate(r.mutable_legal_basis()->mutable_date(), 2026, 6, 1);
  CHECK(ValidateMention(r, kToday).ok());
}

TEST_CASE("sgec: rectifications apply by field path and keep the rules", "[unit][sgec]") {
  v1::Mention m;
  m.set_kind(v1::MENTION_RECTIFICATION);
  auto add = [&](const char* field, const char* value) {
    auto* r = m.add_rectifications();
    r->set_field(field);
    r->set_value(value);
  };
  add("child.given_name.fr", "Yousef");
  add("sex", "FEMALE");
  add("birth_date", "2026-05-31");
  v1::BirthDeclaration b = Birth();
  REQUIRE(ApplyRectifications(m, b).ok());
  CHECK(b.child().given_name().fr() == "Yousef");
  CHECK(b.sex() == v1::FEMALE);
  CHECK(b.birth_date().day() == 31);

  for (auto [field, value, bad] :
       {std::tuple{"child.given_name.ar", "Yousef", "mention.rectifications[0].value"},
        std::tuple{"mother.idcs", "1234567897", "mention.rectifications[0].field"},
        std::tuple{"child.nickname", "x", "mention.rectifications[0].field"},
        std::tuple{"sex", "SEX_UNSPECIFIED", "mention.rectifications[0].value"},
        std::tuple{"birth_date", "2026-02-30", "mention.rectifications[0].value"},
        std::tuple{"child", "x", "mention.rectifications[0].field"}}) {
    INFO(field);
    v1::Mention one;
    auto* r = one.add_rectifications();
    r->set_field(field);
    r->set_value(value);
    v1::BirthDeclaration copy = Birth();
    auto s = ApplyRectifications(one, copy);
    CHECK(s.code() == absl::StatusCode::kInvalidArgument);
    CHECK(Field(s) == bad);
  }
}

TEST_CASE("sgec copies: who may have copies of a birth act made", "[unit][sgec]") {
  const territory::Referential& ref = Ref();
  internal::ActRow row;
  row.act.set_kind(v1::BIRTH);
  row.territory = "01.511.01.01";
  row.subject_idcs = "1111111111";
  row.mother_idcs = "2222222222";
  auto* born = row.act.mutable_birth()->mutable_birth_date();
  born->set_year(2010);
  born->set_month(3);
  born->set_day(15);
  *row.act.mutable_current_birth() = row.act.birth();
  auto person = [](std::vector<std::string> roles, std::vector<std::string> territories,
                   std::string idcs) {
    auth::Principal p;
    p.subject = "someone";
    p.roles = std::move(roles);
    p.territories = std::move(territories);
    p.idcs = std::move(idcs);
    return p;
  };
  const absl::CivilDay before_18(2028, 3, 14), at_18(2028, 3, 15);
  using B = v1::CopyEntitlement;
  CHECK(internal::CopyBasis(person({"citizen"}, {}, "1111111111"), row, ref, at_18) == B::OWN_ACT);
  CHECK(internal::CopyBasis(person({"citizen"}, {}, "2222222222"), row, ref, before_18) ==
        B::MINOR_CHILD);
  CHECK_FALSE(internal::CopyBasis(person({"citizen"}, {}, "2222222222"), row, ref, at_18));
  CHECK_FALSE(internal::CopyBasis(person({"citizen"}, {}, "3333333333"), row, ref, before_18));
  CHECK(internal::CopyBasis(person({"civil_agent"}, {"01.511"}, ""), row, ref, at_18) == B::STAFF);
  CHECK_FALSE(internal::CopyBasis(person({"civil_agent"}, {"06.141"}, ""), row, ref, at_18));
  CHECK_FALSE(internal::CopyBasis(person({"governor"}, {"01.511"}, ""), row, ref, at_18));
  CHECK(internal::CopyBasis(person({"service"}, {"MA"}, ""), row, ref, at_18) == B::STAFF);
  row.act.set_deceased(true);
  CHECK_FALSE(internal::CopyBasis(person({"citizen"}, {}, "2222222222"), row, ref, before_18));
  row.act.set_kind(v1::DEATH);
  CHECK_FALSE(internal::CopyBasis(person({"civil_agent"}, {"01.511"}, ""), row, ref, at_18));
}

}  // namespace
}  // namespace zp::sgec
