#include "services/sgec/src/copies.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "google/protobuf/util/time_util.h"
#include "services/sgec/src/rules.h"
#include "zp/core/dates.h"
#include "zp/documents/codes.h"

namespace zp::sgec {
namespace {

using documents::Bilingual;
using documents::PdfLine;
using documents::PdfSection;

bool HasDate(const common::v1::Date& d) { return d.year() != 0; }

std::string DayText(const common::v1::Date& d) {
  if (d.year() == 0) return "";
  return absl::StrFormat("%02d/%02d/%04d", d.day(), d.month(), d.year());
}

Bilingual NameOf(const v1::PersonName& n) {
  auto join = [](const std::string& a, const std::string& b) {
    return a.empty() ? b : b.empty() ? a : absl::StrCat(a, " ", b);
  };
  return {join(n.given_name().ar(), n.family_name().ar()),
          join(n.given_name().fr(), n.family_name().fr())};
}

Bilingual PlaceOf(const v1::Place& p, const territory::Referential* referential) {
  Bilingual out;
  if (!p.commune_code().empty()) {
    const territory::Territory* t =
        referential != nullptr ? referential->Find(p.commune_code()) : nullptr;
    out.ar = t != nullptr ? t->name_ar : p.commune_code();
    out.fr = t != nullptr ? t->name_fr : p.commune_code();
  } else {
    out.ar = out.fr = absl::StrCat(p.city(), p.city().empty() ? "" : ", ", p.country_code());
  }
  // Each column in its script; abroad, an address given in French only is printed in both.
  const std::string& address_ar = p.address().ar().empty() ? p.address().fr() : p.address().ar();
  if (!address_ar.empty()) out.ar = absl::StrCat(out.ar, "، ", address_ar);
  if (!p.address().fr().empty()) out.fr = absl::StrCat(out.fr, ", ", p.address().fr());
  // Acts registered before the address: their single-script text, as it was printed.
  if (!p.place_text().empty()) {
    out.ar = absl::StrCat(out.ar, "، ", p.place_text());
    out.fr = absl::StrCat(out.fr, ", ", p.place_text());
  }
  return out;
}

Bilingual SexOf(v1::Sex sex) {
  if (sex == v1::MALE) return {"ذكر", "Masculin"};
  if (sex == v1::FEMALE) return {"أنثى", "Féminin"};
  return {"", ""};
}

Bilingual TitleOf(const v1::CopyContent& c) {
  const bool birth = c.act_kind() == v1::BIRTH;
  if (c.copy_kind() == v1::FULL_COPY) {
    return birth ? Bilingual{"نسخة كاملة من رسم الولادة", "Copie intégrale d'acte de naissance"}
                 : Bilingual{"نسخة كاملة من رسم الوفاة", "Copie intégrale d'acte de décès"};
  }
  return birth ? Bilingual{"مستخرج من رسم الولادة", "Extrait d'acte de naissance"}
               : Bilingual{"مستخرج من رسم الوفاة", "Extrait d'acte de décès"};
}

documents::v1::SummaryLine Line(const Bilingual& label, const Bilingual& value) {
  documents::v1::SummaryLine line;
  line.mutable_label()->set_ar(label.ar);
  line.mutable_label()->set_fr(label.fr);
  line.mutable_value()->set_ar(value.ar.empty() ? value.fr : value.ar);
  line.mutable_value()->set_fr(value.fr.empty() ? value.ar : value.fr);
  return line;
}

Bilingual Same(const std::string& text) { return {text, text}; }

std::string MentionText(const v1::Mention& m, bool arabic) {
  const std::string date = DayText(m.effective_date());
  switch (m.kind()) {
    case v1::MENTION_MARRIAGE:
      return arabic ? absl::StrCat("زواج بتاريخ ", date, " من ", NameOf(m.spouse()).ar,
                                   "، عقد عدلي رقم ", m.contract_reference())
                    : absl::StrCat("Mariage le ", date, " avec ", NameOf(m.spouse()).fr,
                                   ", acte adoulaire n° ", m.contract_reference());
    case v1::MENTION_DIVORCE:
      return arabic ? absl::StrCat("طلاق بتاريخ ", date, "، عقد عدلي رقم ", m.contract_reference())
                    : absl::StrCat("Divorce le ", date, ", acte adoulaire n° ",
                                   m.contract_reference());
    case v1::MENTION_DEATH:
      return arabic ? absl::StrCat("توفي(ت) بتاريخ ", date) : absl::StrCat("Décédé(e) le ", date);
    case v1::MENTION_RECTIFICATION: {
      std::string fields;
      for (const auto& r : m.rectifications()) {
        absl::StrAppend(&fields, fields.empty() ? "" : "; ", r.field(), " = ", r.value());
      }
      const auto& basis = m.legal_basis();
      return arabic ? absl::StrCat("تصحيح بمقتضى ", basis.authority(), " رقم ", basis.number(),
                                   " بتاريخ ", DayText(basis.date()), ": ", fields)
                    : absl::StrCat("Rectification en vertu de ", basis.authority(), " n° ",
                                   basis.number(), " du ", DayText(basis.date()), " : ", fields);
    }
    default:
      return m.note();
  }
}

void ParentLines(PdfSection& s, const char* ar, const char* fr, const v1::Parent& p) {
  if (p.name().given_name().ar().empty() && p.name().given_name().fr().empty()) return;
  s.lines.push_back({{ar, fr}, NameOf(p.name())});
  if (!p.nationality().empty()) {
    s.lines.push_back({{"الجنسية", "Nationalité"}, Same(p.nationality())});
  }
  if (HasDate(p.birth_date())) {
    s.lines.push_back({{"تاريخ الازدياد", "Né(e) le"}, Same(DayText(p.birth_date()))});
  }
}

}  // namespace

std::string CopyKindName(v1::CopyKind kind) {
  return kind == v1::FULL_COPY ? "sgec.FULL_COPY" : "sgec.EXTRACT";
}

v1::CopyContent BuildCopyContent(const v1::Act& act, const v1::Bureau& bureau, v1::CopyKind kind) {
  v1::CopyContent c;
  c.set_copy_kind(kind);
  c.set_act_kind(act.kind());
  c.set_act_id(act.id());
  c.set_act_reference(act.reference());
  *c.mutable_bureau() = bureau;
  c.set_idcs(act.idcs());
  const absl::CivilDay day = absl::ToCivilDay(
      absl::FromUnixMicros(
          google::protobuf::util::TimeUtil::TimestampToMicroseconds(act.register_time())),
      MoroccoZone());
  c.mutable_registration_date()->set_year(static_cast<int32_t>(day.year()));
  c.mutable_registration_date()->set_month(day.month());
  c.mutable_registration_date()->set_day(day.day());
  c.set_origin(act.origin());
  c.set_deceased(act.deceased());
  if (kind == v1::FULL_COPY) {
    if (act.kind() == v1::BIRTH) {
      *c.mutable_birth() = act.current_birth();
    } else {
      *c.mutable_death() = act.current_death();
    }
    for (const v1::Mention& m : act.mentions()) {
      v1::Mention* out = c.add_mentions();
      *out = m;
      out->clear_created_by();
      out->clear_id();
    }
    return c;
  }
  if (act.kind() == v1::BIRTH) {
    const auto& b = act.current_birth();
    *c.mutable_person() = b.child();
    c.set_sex(b.sex());
    *c.mutable_birth_date() = b.birth_date();
    *c.mutable_birth_place() = b.place();
    *c.mutable_father() = b.father().name();
    *c.mutable_mother() = b.mother().name();
  } else {
    const auto& d = act.current_death();
    *c.mutable_person() = d.deceased();
    c.set_sex(d.sex());
    *c.mutable_birth_date() = d.deceased_birth_date();
    *c.mutable_death_date() = d.death_date();
    *c.mutable_death_place() = d.place();
  }
  return c;
}

namespace {

// The person of the copy, whatever its kind.
const v1::PersonName& PersonOf(const v1::CopyContent& c) {
  if (c.copy_kind() == v1::EXTRACT) return c.person();
  return c.act_kind() == v1::BIRTH ? c.birth().child() : c.death().deceased();
}

common::v1::Date BirthDateOf(const v1::CopyContent& c) {
  if (c.copy_kind() == v1::EXTRACT) return c.birth_date();
  return c.act_kind() == v1::BIRTH ? c.birth().birth_date() : c.death().deceased_birth_date();
}

}  // namespace

documents::v1::Summary CopySummary(const v1::CopyContent& c) {
  documents::v1::Summary s;
  const Bilingual title = TitleOf(c);
  s.mutable_title()->set_ar(title.ar);
  s.mutable_title()->set_fr(title.fr);
  *s.add_lines() = Line({"مراجع الرسم", "Référence de l'acte"}, Same(c.act_reference()));
  *s.add_lines() = Line({"مكتب الحالة المدنية", "Bureau d'état civil"},
                        {c.bureau().name().ar(), c.bureau().name().fr()});
  *s.add_lines() = Line({"الاسم الكامل", "Nom complet"}, NameOf(PersonOf(c)));
  if (HasDate(BirthDateOf(c))) {
    *s.add_lines() = Line({"تاريخ الازدياد", "Date de naissance"}, Same(DayText(BirthDateOf(c))));
  }
  return s;
}

documents::PdfLayout CopyLayout(const documents::v1::Document& document, const v1::CopyContent& c,
                                const territory::Referential& referential) {
  documents::PdfLayout layout;
  layout.header = {{"المملكة المغربية", "Royaume du Maroc"},
                   {"وزارة الداخلية", "Ministère de l'Intérieur"},
                   {c.bureau().name().ar(), c.bureau().name().fr()}};
  layout.title = TitleOf(c);
  if (document.has_revoke_time()) {
    const std::string day =
        absl::FormatTime("%d/%m/%Y", core::ToTime(document.revoke_time()), MoroccoZone());
    layout.revoked = {absl::StrCat("ملغاة بتاريخ ", day, ": ", document.revocation_reason(),
                                   " — هذه النسخة لا قيمة لها"),
                      absl::StrCat("ANNULÉE le ", day, " : ", document.revocation_reason(),
                                   " — cette copie ne vaut pas acte")};
  }

  PdfSection act{{"الرسم", "Acte"}, {}, {}};
  act.lines.push_back({{"رقم الرسم", "Acte n°"}, Same(c.act_reference())});
  act.lines.push_back({{"تاريخ التسجيل", "Enregistré le"}, Same(DayText(c.registration_date()))});
  if (!c.idcs().empty()) {
    act.lines.push_back({{"المعرف الرقمي المدني والاجتماعي", "IDCS"}, Same(c.idcs())});
  }
  if (c.origin() == v1::HISTORICAL) {
    act.lines.push_back({{"الأصل", "Origine"}, {"سجل ورقي", "Registre papier (reprise)"}});
  }
  layout.sections.push_back(std::move(act));

  PdfSection person{{"صاحب الرسم", "Titulaire"}, {}, {}};
  const bool birth = c.act_kind() == v1::BIRTH;
  if (c.copy_kind() == v1::EXTRACT) {
    person.lines.push_back(
        {{"الاسم الشخصي", "Prénom"}, {c.person().given_name().ar(), c.person().given_name().fr()}});
    person.lines.push_back(
        {{"الاسم العائلي", "Nom"}, {c.person().family_name().ar(), c.person().family_name().fr()}});
    person.lines.push_back({{"الجنس", "Sexe"}, SexOf(c.sex())});
    if (HasDate(c.birth_date())) {
      person.lines.push_back(
          {{"تاريخ الازدياد", "Date de naissance"}, Same(DayText(c.birth_date()))});
    }
    if (birth) {
      person.lines.push_back(
          {{"مكان الازدياد", "Lieu de naissance"}, PlaceOf(c.birth_place(), &referential)});
      // A parent the act does not name is left out, not printed empty.
      if (const Bilingual father = NameOf(c.father()); !father.fr.empty() || !father.ar.empty()) {
        person.lines.push_back({{"الأب", "Père"}, father});
      }
      if (const Bilingual mother = NameOf(c.mother()); !mother.fr.empty() || !mother.ar.empty()) {
        person.lines.push_back({{"الأم", "Mère"}, mother});
      }
    } else {
      person.lines.push_back({{"تاريخ الوفاة", "Date du décès"}, Same(DayText(c.death_date()))});
      person.lines.push_back(
          {{"مكان الوفاة", "Lieu du décès"}, PlaceOf(c.death_place(), &referential)});
    }
    if (c.deceased()) person.lines.push_back({{"ملاحظة", "Note"}, {"متوفى(ة)", "Décédé(e)"}});
    layout.sections.push_back(std::move(person));
  } else if (birth) {
    const auto& b = c.birth();
    person.lines.push_back(
        {{"الاسم الشخصي", "Prénom"}, {b.child().given_name().ar(), b.child().given_name().fr()}});
    person.lines.push_back(
        {{"الاسم العائلي", "Nom"}, {b.child().family_name().ar(), b.child().family_name().fr()}});
    person.lines.push_back({{"الجنس", "Sexe"}, SexOf(b.sex())});
    person.lines.push_back({{"تاريخ الازدياد", "Date de naissance"},
                            Same(absl::StrCat(DayText(b.birth_date()),
                                              b.birth_time().empty() ? "" : " ", b.birth_time()))});
    person.lines.push_back(
        {{"مكان الازدياد", "Lieu de naissance"}, PlaceOf(b.place(), &referential)});
    layout.sections.push_back(std::move(person));
    PdfSection parents{{"الوالدان", "Parents"}, {}, {}};
    ParentLines(parents, "الأب", "Père", b.father());
    ParentLines(parents, "الأم", "Mère", b.mother());
    layout.sections.push_back(std::move(parents));
    if (!b.declarant().name().given_name().fr().empty()) {
      PdfSection declarant{{"المصرح", "Déclarant"}, {}, {}};
      declarant.lines.push_back({{"الاسم", "Nom"}, NameOf(b.declarant().name())});
      layout.sections.push_back(std::move(declarant));
    }
  } else {
    const auto& d = c.death();
    person.lines.push_back({{"الاسم الكامل", "Nom complet"}, NameOf(d.deceased())});
    person.lines.push_back({{"الجنس", "Sexe"}, SexOf(d.sex())});
    if (HasDate(d.deceased_birth_date())) {
      person.lines.push_back(
          {{"تاريخ الازدياد", "Date de naissance"}, Same(DayText(d.deceased_birth_date()))});
    }
    person.lines.push_back({{"تاريخ الوفاة", "Date du décès"},
                            Same(absl::StrCat(DayText(d.death_date()),
                                              d.death_time().empty() ? "" : " ", d.death_time()))});
    person.lines.push_back({{"مكان الوفاة", "Lieu du décès"}, PlaceOf(d.place(), &referential)});
    layout.sections.push_back(std::move(person));
  }
  if (c.copy_kind() == v1::FULL_COPY) {
    PdfSection mentions{{"البيانات الهامشية", "Mentions marginales"}, {}, {}};
    for (const v1::Mention& m : c.mentions()) {
      mentions.paragraphs.push_back({absl::StrCat(m.sequence(), ". ", MentionText(m, true)),
                                     absl::StrCat(m.sequence(), ". ", MentionText(m, false))});
    }
    if (mentions.paragraphs.empty()) mentions.paragraphs.push_back({"لا شيء", "Néant"});
    layout.sections.push_back(std::move(mentions));
  }

  layout.verification_code = documents::FormatCode(document.verification_code());
  layout.verification_url = document.verification_url();
  const std::string issued_at = absl::FormatTime(
      "%d/%m/%Y %H:%M",
      absl::FromUnixMicros(
          google::protobuf::util::TimeUtil::TimestampToMicroseconds(document.issue_time())),
      MoroccoZone());
  layout.issued = {absl::StrCat("سلمت بتاريخ ", issued_at, " من طرف ", c.bureau().name().ar()),
                   absl::StrCat("Délivré le ", issued_at, " par le ", c.bureau().name().fr())};
  layout.footnote = absl::StrCat("Document ", document.id(), " · SHA-256 ",
                                 document.content_sha256(), " · ECDSA P-256 kid ", document.kid());
  return layout;
}

}  // namespace zp::sgec
