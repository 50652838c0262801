#include "services/sgec/src/act_rows.h"

#include "zp/core/uuid.h"

namespace zp::sgec::internal {

absl::StatusOr<ActRow> ParseActRow(const pg::Result& r, int i) {
  ActRow row;
  v1::Act& a = row.act;
  a.set_id(std::string(r.Text(i, 0)));
  a.set_kind(static_cast<v1::ActKind>(r.Int(i, 1)));
  a.set_bureau_code(std::string(r.Text(i, 2)));
  a.set_year(static_cast<int32_t>(r.Int(i, 3)));
  a.set_number(static_cast<int32_t>(r.Int(i, 4)));
  a.set_reference(ActReference(a.bureau_code(), a.year(), a.number()));
  row.territory = std::string(r.Text(i, 5));
  if (row.territory != kNational) a.set_commune_code(row.territory);
  row.subject_idcs = std::string(r.Text(i, 7));
  a.set_idcs(row.subject_idcs);
  row.father_idcs = std::string(r.Text(i, 8));
  row.mother_idcs = std::string(r.Text(i, 9));
  a.set_declaration_id(std::string(r.Text(i, 10)));
  a.set_deceased(r.Bool(i, 11));
  const std::string original = r.Bytes(i, 12);
  bool parsed = a.kind() == v1::BIRTH ? a.mutable_birth()->ParseFromString(original)
                                      : a.mutable_death()->ParseFromString(original);
  if (!parsed) return absl::DataLossError("act content does not parse");
  a.set_registered_by(std::string(r.Text(i, 13)));
  *a.mutable_register_time() = Timestamp(r.Int(i, 14));
  a.set_origin(static_cast<v1::ActOrigin>(r.Int(i, 15)));
  a.set_scan_reference(std::string(r.Text(i, 16)));
  return row;
}

absl::Status CompleteAct(const pg::Result& mentions, ActRow& row) {
  v1::Act& a = row.act;
  for (int i = 0; i < mentions.rows(); ++i) {
    if (!a.add_mentions()->ParseFromString(mentions.Bytes(i, 0))) {
      return absl::DataLossError("mention does not parse");
    }
  }
  google::protobuf::Message* current = nullptr;
  if (a.kind() == v1::BIRTH) {
    *a.mutable_current_birth() = a.birth();
    current = a.mutable_current_birth();
  } else {
    *a.mutable_current_death() = a.death();
    current = a.mutable_current_death();
  }
  for (const v1::Mention& mention : a.mentions()) {
    if (mention.kind() == v1::MENTION_RECTIFICATION) {
      RETURN_IF_ERROR(ApplyRectifications(mention, *current));
    }
  }
  return absl::OkStatus();
}

RegisteredPerson PersonOf(const v1::Act& a) {
  RegisteredPerson p;
  p.act_id = a.id();
  p.family_name_ar = a.current_birth().child().family_name().ar();
  p.family_name_fr = a.current_birth().child().family_name().fr();
  p.birth_date = ToCivilDay(a.current_birth().birth_date());
  p.deceased = a.deceased();
  return p;
}

absl::Status SaveActView(pg::Transaction& tx, const v1::Act& act, bool deceased) {
  const auto& child = act.current_birth().child();
  Names current = NormalizedNames(child);
  return tx
      .Exec(sql::kUpdateActView,
            {act.id(), child.given_name().ar(), child.family_name().ar(), child.given_name().fr(),
             child.family_name().fr(), current.ar, current.lat, deceased, WordsOf(child),
             current.key_ar(), current.key_lat()})
      .status();
}

v1::ActRegistered ActRegisteredOf(const v1::Act& act, const common::v1::Date& event_date) {
  v1::ActRegistered registered;
  registered.set_act_id(act.id());
  registered.set_kind(act.kind());
  registered.set_act_reference(act.reference());
  registered.set_idcs(act.idcs());
  registered.set_commune_code(act.commune_code());
  registered.set_declaration_id(act.declaration_id());
  registered.set_origin(act.origin());
  *registered.mutable_event_date() = event_date;
  return registered;
}

v1::MentionAdded MentionAddedOf(const v1::Act& act, const v1::Mention& m) {
  v1::MentionAdded added;
  added.set_act_id(act.id());
  added.set_act_reference(act.reference());
  added.set_mention_kind(m.kind());
  added.set_sequence(m.sequence());
  added.set_commune_code(act.commune_code());
  return added;
}

absl::Status AddDeathMention(pg::Transaction& tx, const service::Recorder& recorder,
                             const Context& ctx, ActRow& birth_act, const v1::Act& death_act,
                             const common::v1::Date& death_date, int64_t now) {
  v1::Act& ba = birth_act.act;
  v1::Mention m;
  m.set_id(core::NewUuidV7());
  m.set_kind(v1::MENTION_DEATH);
  *m.mutable_effective_date() = death_date;
  m.set_death_act_id(death_act.id());
  m.set_note(absl::StrCat("Décédé(e) le ", DateText(death_date), ", acte de décès ",
                          death_act.reference()));
  m.set_created_by(ctx.caller.principal.subject);
  *m.mutable_create_time() = Timestamp(now);
  m.set_sequence(ba.mentions_size() + 1);
  RETURN_IF_ERROR(
      tx.Exec(sql::kInsertMention, {m.id(), ba.id(), m.sequence(), static_cast<int>(m.kind()),
                                    pg::Param::Bytes(Serialize(m)), absl::StrCat(now)})
          .status());
  *ba.add_mentions() = m;
  ba.set_deceased(true);
  RETURN_IF_ERROR(SaveActView(tx, ba, true));
  v1::MentionAdded added = MentionAddedOf(ba, m);
  return recorder.Record(tx,
                         ChangeOf(ctx, ActName(ba.id()), birth_act.territory, ba.id(), added, m));
}

std::optional<v1::CopyEntitlement::Basis> CopyBasis(const auth::Principal& p, const ActRow& row,
                                                    const territory::Referential& referential,
                                                    absl::CivilDay today) {
  if (row.act.kind() != v1::BIRTH) return std::nullopt;
  if (auth::HasAnyRole(p, {roles::kCivilAgent, roles::kCivilOfficer, roles::kService}) &&
      auth::CanAccessTerritory(p, row.territory, referential)) {
    return v1::CopyEntitlement::STAFF;
  }
  if (!p.HasRole(roles::kCitizen) || p.idcs.empty()) return std::nullopt;
  if (p.idcs == row.subject_idcs) return v1::CopyEntitlement::OWN_ACT;
  if (p.idcs == row.father_idcs || p.idcs == row.mother_idcs) {
    const std::optional<absl::CivilDay> born = ToCivilDay(row.act.current_birth().birth_date());
    if (born.has_value() && !row.act.deceased() &&
        today < absl::CivilDay(born->year() + kMajorityAge, born->month(), born->day())) {
      return v1::CopyEntitlement::MINOR_CHILD;
    }
  }
  return std::nullopt;
}

bool CanRead(const auth::Principal& p, const ActRow& row,
             const territory::Referential& referential) {
  if (IsReader(p) && auth::CanAccessTerritory(p, row.territory, referential)) return true;
  if (p.HasRole(roles::kCitizen) && !p.idcs.empty()) {
    return p.idcs == row.subject_idcs || p.idcs == row.father_idcs || p.idcs == row.mother_idcs;
  }
  return false;
}

}  // namespace zp::sgec::internal
