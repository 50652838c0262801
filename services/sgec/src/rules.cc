#include "services/sgec/src/rules.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "services/sgec/src/idcs.h"
#include "services/sgec/src/names.h"
#include "zp/core/api.h"
#include "zp/core/clock.h"
#include "zp/core/countries.h"
#include "zp/core/status.h"

namespace zp::sgec {
namespace {

using core::RuleError;
using core::Violations;
using v1::BirthDeclaration;
using v1::DeathDeclaration;
using v1::PersonName;

constexpr size_t kMaxName = 100;
constexpr size_t kMaxText = 2000;

void CheckScript(Violations& v, absl::string_view value, const std::string& field, bool arabic,
                 bool required) {
  if (NormalizeName(value).empty()) {
    if (required) v.Add(field, "required");
    return;
  }
  if (core::CharacterCount(value) > kMaxName) {
    v.Add(field, absl::StrCat("longer than ", kMaxName, " characters"));
  } else if (arabic && !IsArabicScript(value)) {
    v.Add(field, "must be written in Arabic script");
  } else if (!arabic && !IsLatinScript(value)) {
    v.Add(field, "must be written in Latin script");
  }
}

void CheckName(Violations& v, const PersonName& name, const std::string& prefix, bool required) {
  CheckScript(v, name.given_name().ar(), prefix + ".given_name.ar", true, required);
  CheckScript(v, name.given_name().fr(), prefix + ".given_name.fr", false, required);
  CheckScript(v, name.family_name().ar(), prefix + ".family_name.ar", true, required);
  CheckScript(v, name.family_name().fr(), prefix + ".family_name.fr", false, required);
}

std::optional<absl::CivilDay> CheckDate(Violations& v, const common::v1::Date& date,
                                        const std::string& field, bool required,
                                        absl::CivilDay today) {
  if (date.year() == 0 && date.month() == 0 && date.day() == 0) {
    if (required) v.Add(field, "required");
    return std::nullopt;
  }
  std::optional<absl::CivilDay> day = ToCivilDay(date);
  if (!day.has_value()) {
    v.Add(field, "not a valid date");
  }
  return day;
}

void CheckTime(Violations& v, absl::string_view time, const std::string& field) {
  if (time.empty()) return;
  int h = 0, m = 0;
  if (time.size() != 5 || time[2] != ':' || !absl::SimpleAtoi(time.substr(0, 2), &h) ||
      !absl::SimpleAtoi(time.substr(3, 2), &m) || h < 0 || h > 23 || m < 0 || m > 59) {
    v.Add(field, "must be HH:MM (24 h)");
  }
}

void CheckIdcs(Violations& v, absl::string_view idcs, const std::string& field) {
  if (!idcs.empty() && !IsValidIdcs(idcs)) {
    v.Add(field, "not a valid IDCS (ten digits with an ISO 7064 MOD 11-10 check digit)");
  }
}

void CheckCin(Violations& v, absl::string_view cin, const std::string& field) {
  if (cin.empty()) return;
  size_t letters = 0;
  while (letters < cin.size() && absl::ascii_isupper(cin[letters])) ++letters;
  bool digits = letters < cin.size();
  for (size_t i = letters; i < cin.size(); ++i) digits = digits && absl::ascii_isdigit(cin[i]);
  if (letters < 1 || letters > 2 || !digits || cin.size() > 8) {
    v.Add(field, "a CIN is one or two capital letters followed by digits");
  }
}

void CheckCountry(Violations& v, absl::string_view code, const std::string& field) {
  if (!code.empty() && !core::IsCountryCode(code)) v.Add(field, "an ISO 3166-1 alpha-2 code");
}

// Returns true when the place is abroad.
bool CheckPlace(Violations& v, const v1::Place& place, const std::string& prefix,
                const territory::Referential& referential) {
  bool abroad = !place.country_code().empty() && place.country_code() != "MA";
  if (abroad) {
    CheckCountry(v, place.country_code(), prefix + ".country_code");
    if (place.city().empty()) v.Add(prefix + ".city", "required abroad");
    if (!place.commune_code().empty()) v.Add(prefix + ".commune_code", "must be empty abroad");
  } else if (place.commune_code().empty()) {
    v.Add(prefix + ".commune_code", "required (or country_code and city abroad)");
  } else {
    const territory::Territory* t = referential.Find(place.commune_code());
    if (t == nullptr || t->level != territory::Level::kCommune) {
      v.Add(prefix + ".commune_code", "not a commune of the territorial referential");
    }
  }
  if (!place.place_text().empty()) {
    v.Add(prefix + ".place_text", "replaced by address, in Arabic and French");
  }
  const auto& address = place.address();
  const bool any = !address.ar().empty() || !address.fr().empty();
  if (core::CharacterCount(address.ar()) > kMaxText) {
    v.Add(prefix + ".address.ar", absl::StrCat("at most ", kMaxText, " characters"));
  } else if (!address.ar().empty() && !names::HasArabicLetter(address.ar())) {
    v.Add(prefix + ".address.ar", "in Arabic script");
  } else if (any && address.ar().empty() && !abroad) {
    v.Add(prefix + ".address.ar", "required in Morocco with the address in French");
  }
  if (core::CharacterCount(address.fr()) > kMaxText) {
    v.Add(prefix + ".address.fr", absl::StrCat("at most ", kMaxText, " characters"));
  } else if (names::HasArabicLetter(address.fr())) {
    v.Add(prefix + ".address.fr", "in Latin script");
  } else if (any && address.fr().empty()) {
    v.Add(prefix + ".address.fr", "required with the address in Arabic");
  }
  return abroad;
}

void CheckParent(Violations& v, const v1::Parent& parent, const std::string& prefix, bool required,
                 absl::CivilDay today) {
  bool given = required || parent.ByteSizeLong() > 0;
  CheckName(v, parent.name(), prefix + ".name", given);
  CheckIdcs(v, parent.idcs(), prefix + ".idcs");
  CheckCin(v, parent.cin(), prefix + ".cin");
  CheckCountry(v, parent.nationality(), prefix + ".nationality");
  auto born = CheckDate(v, parent.birth_date(), prefix + ".birth_date", false, today);
  if (born.has_value() && *born > today) v.Add(prefix + ".birth_date", "in the future");
}

void CheckLegalReference(Violations& v, const v1::LegalReference& ref, const std::string& prefix,
                         absl::CivilDay today) {
  if (ref.authority().empty()) v.Add(prefix + ".authority", "required");
  if (ref.number().empty()) v.Add(prefix + ".number", "required");
  auto day = CheckDate(v, ref.date(), prefix + ".date", true, today);
  if (day.has_value() && *day > today) v.Add(prefix + ".date", "in the future");
}

}  // namespace

absl::Status CheckDeclarant(const v1::Declarant& d, const std::string& prefix, bool required) {
  Violations v;
  if (d.ByteSizeLong() == 0 && !required) return absl::OkStatus();
  CheckName(v, d.name(), prefix + ".name", false);
  if (NormalizeName(d.name().given_name().ar()).empty() &&
      NormalizeName(d.name().given_name().fr()).empty()) {
    v.Add(prefix + ".name.given_name", "required in at least one script");
  }
  if (d.relation() == v1::DECLARANT_RELATION_UNSPECIFIED) v.Add(prefix + ".relation", "required");
  CheckCin(v, d.cin(), prefix + ".cin");
  RETURN_IF_ERROR(v.ToStatus());
  if (d.relation() > v1::MOTHER && d.precedence_reason().empty()) {
    return RuleError(absl::StatusCode::kInvalidArgument, reasons::kDeclarantPrecedence,
                     prefix + ".precedence_reason",
                     "a declarant after the father and the mother states why they could not "
                     "declare");
  }
  return absl::OkStatus();
}

namespace {

absl::Status CheckLateness(absl::CivilDay event, absl::CivilDay today, bool abroad,
                           const v1::LegalReference& judgment, const std::string& prefix) {
  const int limit = abroad ? kDeclarationDaysAbroad : kDeclarationDays;
  if (today - event <= limit) return absl::OkStatus();
  if (judgment.authority().empty() || judgment.number().empty() || !judgment.has_date()) {
    return RuleError(
        absl::StatusCode::kInvalidArgument, reasons::kLateDeclaration, prefix,
        absl::StrCat("declared ", today - event, " days after the event (limit ", limit,
                     "): a court judgment (authority, number, date) is "
                     "required"));
  }
  auto day = ToCivilDay(judgment.date());
  if (day.has_value() && *day < event) {
    return core::InvalidArgumentError(prefix + ".date", "before the event");
  }
  return absl::OkStatus();
}

// Field paths that a rectification may never touch: identity links.
bool Protected(absl::string_view path) {
  return absl::EndsWith(path, "idcs") || path == "judgment" || absl::StartsWith(path, "judgment.");
}

}  // namespace

absl::TimeZone MoroccoZone() { return core::MoroccoZone(); }

absl::CivilDay MoroccoDay(absl::Time now) { return absl::ToCivilDay(now, MoroccoZone()); }

std::string DateText(const common::v1::Date& date) {
  return absl::StrFormat("%04d-%02d-%02d", date.year(), date.month(), date.day());
}

absl::Status ValidateBirth(const BirthDeclaration& b, absl::CivilDay today, bool notified,
                           const territory::Referential& referential) {
  Violations v;
  CheckName(v, b.child(), "birth.child", true);
  if (b.sex() == v1::SEX_UNSPECIFIED) v.Add("birth.sex", "required");
  auto born = CheckDate(v, b.birth_date(), "birth.birth_date", true, today);
  CheckTime(v, b.birth_time(), "birth.birth_time");
  bool abroad = CheckPlace(v, b.place(), "birth.place", referential);
  CheckParent(v, b.mother(), "birth.mother", true, today);
  CheckParent(v, b.father(), "birth.father", false, today);
  if (b.health_facility().size() > kMaxName * 4) v.Add("birth.health_facility", "too long");
  if (b.has_judgment()) CheckLegalReference(v, b.judgment(), "birth.judgment", today);
  RETURN_IF_ERROR(v.ToStatus());
  if (*born > today) {
    return RuleError(absl::StatusCode::kInvalidArgument, reasons::kFutureDate, "birth.birth_date",
                     "the birth date is in the future");
  }
  RETURN_IF_ERROR(CheckDeclarant(b.declarant(), "birth.declarant", !notified));
  return CheckLateness(*born, today, abroad, b.judgment(), "birth.judgment");
}

absl::Status ValidateDeath(const DeathDeclaration& d, absl::CivilDay today, bool notified,
                           const territory::Referential& referential) {
  Violations v;
  CheckIdcs(v, d.deceased_idcs(), "death.deceased_idcs");
  CheckName(v, d.deceased(), "death.deceased", true);
  if (d.sex() == v1::SEX_UNSPECIFIED) v.Add("death.sex", "required");
  auto born = CheckDate(v, d.deceased_birth_date(), "death.deceased_birth_date", false, today);
  auto died = CheckDate(v, d.death_date(), "death.death_date", true, today);
  CheckTime(v, d.death_time(), "death.death_time");
  bool abroad = CheckPlace(v, d.place(), "death.place", referential);
  if (d.has_judgment()) CheckLegalReference(v, d.judgment(), "death.judgment", today);
  RETURN_IF_ERROR(v.ToStatus());
  if (*died > today) {
    return RuleError(absl::StatusCode::kInvalidArgument, reasons::kFutureDate, "death.death_date",
                     "the date of death is in the future");
  }
  RETURN_IF_ERROR(CheckDeathAfterBirth(d, born));
  RETURN_IF_ERROR(CheckDeclarant(d.declarant(), "death.declarant", !notified));
  return CheckLateness(*died, today, abroad, d.judgment(), "death.judgment");
}

absl::Status CheckFamilyName(const BirthDeclaration& birth, const RegisteredPerson& father) {
  const bool ar_ok =
      NormalizeName(birth.child().family_name().ar()) == NormalizeName(father.family_name_ar);
  const bool fr_ok =
      NormalizeName(birth.child().family_name().fr()) == NormalizeName(father.family_name_fr);
  if (ar_ok && fr_ok) return absl::OkStatus();
  return RuleError(absl::StatusCode::kInvalidArgument, reasons::kFamilyNameMismatch,
                   ar_ok ? "birth.child.family_name.fr" : "birth.child.family_name.ar",
                   absl::StrCat("the child's family name must be the father's registered family "
                                "name (",
                                father.family_name_ar, " / ", father.family_name_fr, ")"));
}

absl::Status CheckDeathAfterBirth(const DeathDeclaration& death,
                                  std::optional<absl::CivilDay> birth_date) {
  auto died = ToCivilDay(death.death_date());
  if (birth_date.has_value() && died.has_value() && *died < *birth_date) {
    return RuleError(absl::StatusCode::kInvalidArgument, reasons::kDeathBeforeBirth,
                     "death.death_date", "the date of death is before the date of birth");
  }
  return absl::OkStatus();
}

absl::Status CheckTransition(v1::DeclarationState state, Step step) {
  bool open = state == v1::NOTIFIED || state == v1::DECLARED || state == v1::VALIDATED;
  bool ok = false;
  switch (step) {
    case Step::kValidate:
      ok = state == v1::NOTIFIED || state == v1::DECLARED;
      break;
    case Step::kReject:
      ok = open;
      break;
    case Step::kReviewDuplicate:
      ok = open;
      break;
    case Step::kRegister:
      ok = state == v1::VALIDATED;
      break;
  }
  if (ok) return absl::OkStatus();
  return RuleError(absl::StatusCode::kFailedPrecondition, reasons::kInvalidState, "",
                   absl::StrCat("not allowed from state ", v1::DeclarationState_Name(state)),
                   {{"state", v1::DeclarationState_Name(state)}});
}

absl::Status ValidateMention(const v1::Mention& m, absl::CivilDay today) {
  Violations v;
  const std::string p = "mention";
  CheckDate(v, m.effective_date(), p + ".effective_date", false, today);
  if (m.note().size() > kMaxText) v.Add(p + ".note", "too long");
  switch (m.kind()) {
    case v1::MENTION_MARRIAGE:
    case v1::MENTION_DIVORCE: {
      if (m.contract_reference().empty()) v.Add(p + ".contract_reference", "required");
      auto day = CheckDate(v, m.contract_date(), p + ".contract_date", true, today);
      if (day.has_value() && *day > today) v.Add(p + ".contract_date", "in the future");
      CheckName(v, m.spouse(), p + ".spouse", true);
      CheckIdcs(v, m.spouse_idcs(), p + ".spouse_idcs");
      break;
    }
    case v1::MENTION_RECTIFICATION:
      if (m.rectifications().empty()) v.Add(p + ".rectifications", "at least one");
      for (int i = 0; i < m.rectifications_size(); ++i) {
        if (m.rectifications(i).field().empty()) {
          v.Add(absl::StrCat(p, ".rectifications[", i, "].field"), "required");
        }
      }
      break;
    case v1::MENTION_DEATH:
      v.Add(p + ".kind", "DEATH mentions are added by registering the death act");
      break;
    default:
      v.Add(p + ".kind", "MENTION_MARRIAGE, MENTION_DIVORCE or MENTION_RECTIFICATION");
  }
  RETURN_IF_ERROR(v.ToStatus());
  if (m.kind() == v1::MENTION_RECTIFICATION) {
    const auto& b = m.legal_basis();
    if (b.authority().empty() || b.number().empty() || !ToCivilDay(b.date()).has_value()) {
      return RuleError(absl::StatusCode::kInvalidArgument, reasons::kRectificationBasis,
                       "mention.legal_basis",
                       "a rectification cites the judgment or decision it rests on (authority, "
                       "number, date)");
    }
    Violations basis;
    CheckLegalReference(basis, b, "mention.legal_basis", today);
    RETURN_IF_ERROR(basis.ToStatus());
  }
  return absl::OkStatus();
}

namespace {

// The day a mention takes effect: its effective date, else its contract's.
std::optional<absl::CivilDay> EffectiveDay(const v1::Mention& m) {
  std::optional<absl::CivilDay> day = ToCivilDay(m.effective_date());
  return day.has_value() ? day : ToCivilDay(m.contract_date());
}

}  // namespace

absl::Status CheckMentionInHistory(const v1::Mention& m, const v1::Act& act) {
  const std::optional<absl::CivilDay> effective = EffectiveDay(m);
  const std::optional<absl::CivilDay> born = ToCivilDay(act.current_birth().birth_date());
  if (!effective.has_value()) return absl::OkStatus();  // a rectification may carry no date
  if (born.has_value() && *effective < *born) {
    return RuleError(absl::StatusCode::kInvalidArgument, reasons::kMentionBeforeBirth,
                     "mention.effective_date",
                     absl::StrCat("before the person's birth (", DateText(ToDate(*born)), ")"));
  }
  if (m.kind() != v1::MENTION_MARRIAGE && m.kind() != v1::MENTION_DIVORCE) {
    return absl::OkStatus();
  }
  int married = 0;  // marriages less divorces so far
  std::optional<absl::CivilDay> last, died;
  for (const v1::Mention& before : act.mentions()) {
    const std::optional<absl::CivilDay> at = EffectiveDay(before);
    if (before.kind() == v1::MENTION_DEATH) died = at;
    if (before.kind() != v1::MENTION_MARRIAGE && before.kind() != v1::MENTION_DIVORCE) continue;
    married += before.kind() == v1::MENTION_MARRIAGE ? 1 : -1;
    if (at.has_value() && (!last.has_value() || *at > *last)) last = at;
  }
  if (act.deceased() && m.kind() == v1::MENTION_MARRIAGE) {
    return RuleError(absl::StatusCode::kFailedPrecondition, reasons::kSubjectDeceased,
                     "mention.kind", "the act's subject is deceased");
  }
  if (died.has_value() && *effective > *died) {
    return RuleError(absl::StatusCode::kInvalidArgument, reasons::kMentionAfterDeath,
                     "mention.effective_date",
                     absl::StrCat("after the person's death (", DateText(ToDate(*died)), ")"));
  }
  if (last.has_value() && *effective < *last) {
    return RuleError(
        absl::StatusCode::kInvalidArgument, reasons::kMentionOutOfOrder, "mention.effective_date",
        absl::StrCat("before the act's last marriage or divorce (", DateText(ToDate(*last)), ")"));
  }
  if (m.kind() == v1::MENTION_DIVORCE) {
    if (married <= 0) {
      return RuleError(absl::StatusCode::kFailedPrecondition, reasons::kNoMarriage, "mention.kind",
                       "no marriage mentioned on this act to dissolve");
    }
    return absl::OkStatus();
  }
  if (married > 0) {
    return RuleError(absl::StatusCode::kFailedPrecondition, reasons::kAlreadyMarried,
                     "mention.kind",
                     "the act mentions a marriage not dissolved since: a divorce comes first");
  }
  if (born.has_value() &&
      *effective < absl::CivilDay(born->year() + kMarriageAge, born->month(), born->day())) {
    const v1::LegalReference& a = m.minor_marriage_authorisation();
    const std::optional<absl::CivilDay> granted = ToCivilDay(a.date());
    if (a.authority().empty() || a.number().empty() || !granted.has_value() ||
        *granted > *effective) {
      return RuleError(absl::StatusCode::kInvalidArgument, reasons::kMinorMarriage,
                       "mention.minor_marriage_authorisation",
                       absl::StrCat("the person is under ", kMarriageAge,
                                    " on the marriage date: the judge's authorisation (authority, "
                                    "number, date on or before the marriage) is required"));
    }
  }
  return absl::OkStatus();
}

absl::Status ApplyRectifications(const v1::Mention& mention, google::protobuf::Message& content) {
  using google::protobuf::FieldDescriptor;
  for (int i = 0; i < mention.rectifications_size(); ++i) {
    const v1::Rectification& r = mention.rectifications(i);
    const std::string field = absl::StrCat("mention.rectifications[", i, "]");
    std::vector<std::string> parts = absl::StrSplit(r.field(), '.');
    google::protobuf::Message* msg = &content;
    const FieldDescriptor* fd = nullptr;
    for (size_t k = 0; k < parts.size(); ++k) {
      fd = msg->GetDescriptor()->FindFieldByName(parts[k]);
      if (fd == nullptr || fd->is_repeated() || Protected(r.field())) {
        return core::InvalidArgumentError(field + ".field",
                                          absl::StrCat("not a rectifiable field: ", r.field()));
      }
      const bool last = k + 1 == parts.size();
      const bool is_date = fd->type() == FieldDescriptor::TYPE_MESSAGE &&
                           fd->message_type()->full_name() == "zp.common.v1.Date";
      if (!last && (fd->type() != FieldDescriptor::TYPE_MESSAGE || is_date)) {
        return core::InvalidArgumentError(field + ".field",
                                          absl::StrCat("not a rectifiable field: ", r.field()));
      }
      if (!last) {
        msg = msg->GetReflection()->MutableMessage(msg, fd);
        continue;
      }
      const auto* refl = msg->GetReflection();
      if (fd->type() == FieldDescriptor::TYPE_STRING) {
        if (absl::EndsWith(r.field(), ".ar") || absl::EndsWith(r.field(), ".fr")) {
          Violations v;
          CheckScript(v, r.value(), field + ".value", absl::EndsWith(r.field(), ".ar"), true);
          RETURN_IF_ERROR(v.ToStatus());
        }
        refl->SetString(msg, fd, r.value());
      } else if (fd->type() == FieldDescriptor::TYPE_ENUM) {
        const auto* value = fd->enum_type()->FindValueByName(r.value());
        if (value == nullptr || value->number() == 0) {
          return core::InvalidArgumentError(
              field + ".value", absl::StrCat("not a value of ", fd->enum_type()->name()));
        }
        refl->SetEnumValue(msg, fd, value->number());
      } else if (is_date) {
        common::v1::Date date;
        std::vector<std::string> ymd = absl::StrSplit(r.value(), '-');
        int y = 0, mo = 0, d = 0;
        if (ymd.size() != 3 || !absl::SimpleAtoi(ymd[0], &y) || !absl::SimpleAtoi(ymd[1], &mo) ||
            !absl::SimpleAtoi(ymd[2], &d)) {
          return core::InvalidArgumentError(field + ".value", "a date as YYYY-MM-DD");
        }
        date.set_year(y);
        date.set_month(mo);
        date.set_day(d);
        if (!ToCivilDay(date).has_value()) {
          return core::InvalidArgumentError(field + ".value", "not a valid date");
        }
        refl->MutableMessage(msg, fd)->CopyFrom(date);
      } else {
        return core::InvalidArgumentError(field + ".field",
                                          absl::StrCat("not a rectifiable field: ", r.field()));
      }
    }
  }
  return absl::OkStatus();
}

std::string ActReference(absl::string_view bureau, int year, int number) {
  return absl::StrCat(bureau, "/", year, "/", number);
}

}  // namespace zp::sgec
