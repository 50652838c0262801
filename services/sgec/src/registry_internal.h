#pragma once

// Helpers shared by the registry's operations (registry.cc, documents.cc, import.cc): scopes,
// loading declarations and acts, audit and events. Internal to the service.

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"
#include "services/sgec/src/names.h"
#include "services/sgec/src/queries.h"
#include "services/sgec/src/registry.h"
#include "services/sgec/src/rules.h"
#include "zp/audit/audit.h"
#include "zp/auth/principal.h"
#include "zp/auth/territory_scope.h"
#include "zp/core/api.h"
#include "zp/core/status.h"
#include "zp/core/uuid.h"
#include "zp/events/event.h"
#include "zp/pg/idempotency.h"
#include "zp/service/record.h"
#include "zp/sgec/v1/events.pb.h"

namespace zp::sgec::internal {

namespace roles = auth::roles;
using core::RuleError;
using google::protobuf::util::TimeUtil;

constexpr char kSource[] = "sgec";
constexpr char kNational[] = "MA";

// Staff who read registers in their territory.
constexpr std::initializer_list<absl::string_view> kReaders = {
    roles::kCivilAgent, roles::kCivilOfficer, roles::kProvinceCell,
    roles::kGovernor,   roles::kDgct,         roles::kAuditor};

using auth::ActingRole;

inline bool IsReader(const auth::Principal& p) { return auth::HasAnyRole(p, kReaders); }

using core::CheckRequestId;
using core::PageSize;

inline int64_t NowMicros(const core::Clock& clock) { return absl::ToUnixMicros(clock.Now()); }

inline google::protobuf::Timestamp Timestamp(int64_t micros) {
  return TimeUtil::MicrosecondsToTimestamp(micros);
}

inline std::string Serialize(const google::protobuf::Message& m) { return m.SerializeAsString(); }

// The caller's territories as SQL parameters: codes and "<code>.%" prefixes; NULL when national.
struct Scope {
  pg::Param codes = nullptr;
  pg::Param prefixes = nullptr;
  pg::Param citizen_idcs = "";
};

// For search and lists: staff see their territories; a citizen only acts that carry their IDCS.
inline absl::StatusOr<Scope> ScopeOf(const auth::Principal& p, bool citizens_allowed) {
  Scope scope;
  if (IsReader(p)) {
    const auth::TerritoryScope territories = auth::TerritoryScope::Of(p);
    scope.codes = territories.codes();
    scope.prefixes = territories.prefixes();
    return scope;
  }
  if (citizens_allowed && p.HasRole(roles::kCitizen)) {
    scope.citizen_idcs = p.idcs.empty() ? std::string("-") : p.idcs;  // '-' matches no act
    return scope;
  }
  return absl::PermissionDeniedError("this role does not read the civil registry");
}

inline std::string DeclarationName(const std::string& id) {
  return absl::StrCat("declarations/", id);
}
inline std::string ActName(const std::string& id) { return absl::StrCat("acts/", id); }

// Normalised "given family" in each script.
struct Names {
  std::string ar;
  std::string lat;
  std::string key_ar() const { return NameKey(ar); }
  std::string key_lat() const { return NameKey(lat); }
};
inline Names NormalizedNames(const v1::PersonName& n) {
  return {NormalizeName(absl::StrCat(n.given_name().ar(), " ", n.family_name().ar())),
          NormalizeName(absl::StrCat(n.given_name().fr(), " ", n.family_name().fr()))};
}

// The search lexemes of a name (names.h), as a text[] literal.
inline std::string WordsOf(const v1::PersonName& n) {
  Names names = NormalizedNames(n);
  return pg::TextArray(NameLexemes(names.ar, names.lat));
}

inline pg::Param DateParam(const common::v1::Date& date) {
  if (!ToCivilDay(date).has_value()) return nullptr;
  return DateText(date);
}

// A declaration as loaded, with the columns that live beside its document.
struct DeclarationRow {
  v1::Declaration doc;
  std::string territory;
  std::vector<std::string> cleared;
};

template <typename Db>
inline absl::StatusOr<std::optional<DeclarationRow>> LoadDeclaration(Db& db, const pg::Query& query,
                                                                     const std::string& id) {
  if (!core::IsUuid(id)) return std::optional<DeclarationRow>();
  ASSIGN_OR_RETURN(pg::Result r, db.Exec(query, {id}));
  if (r.rows() == 0) return std::optional<DeclarationRow>();
  DeclarationRow row;
  if (!row.doc.ParseFromString(r.Bytes(0, 0))) {
    return absl::DataLossError("declaration document does not parse");
  }
  row.territory = std::string(r.Text(0, 1));
  row.cleared = pg::ParseTextArray(r.Text(0, 2));
  return std::optional<DeclarationRow>(std::move(row));
}

// An act as loaded, with the identities that decide who may read it.
struct ActRow {
  v1::Act act;
  std::string territory;
  std::string subject_idcs;
  std::string father_idcs;
  std::string mother_idcs;
};

inline absl::StatusOr<ActRow> ParseActRow(const pg::Result& r, int i) {
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

// Loads an act with its mentions and computes its current view.
template <typename Db>
inline absl::StatusOr<std::optional<ActRow>> LoadAct(Db& db, const pg::Query& query,
                                                     const pg::Params& key) {
  ASSIGN_OR_RETURN(pg::Result r, db.Exec(query, key));
  if (r.rows() == 0) return std::optional<ActRow>();
  ASSIGN_OR_RETURN(ActRow row, ParseActRow(r, 0));
  v1::Act& a = row.act;
  ASSIGN_OR_RETURN(pg::Result m, db.Exec(sql::kMentions, {a.id()}));
  for (int i = 0; i < m.rows(); ++i) {
    if (!a.add_mentions()->ParseFromString(m.Bytes(i, 0))) {
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
  return std::optional<ActRow>(std::move(row));
}

template <typename Db>
inline absl::StatusOr<std::optional<ActRow>> LoadAct(Db& db, const pg::Query& query,
                                                     const std::string& key) {
  return LoadAct(db, query, pg::Params{key});
}

inline RegisteredPerson PersonOf(const v1::Act& a) {
  RegisteredPerson p;
  p.act_id = a.id();
  p.family_name_ar = a.current_birth().child().family_name().ar();
  p.family_name_fr = a.current_birth().child().family_name().fr();
  p.birth_date = ToCivilDay(a.current_birth().birth_date());
  p.deceased = a.deceased();
  return p;
}

struct Context {
  const Caller& caller;
  std::string role;
  std::string request_id;
  std::string method;
};

inline absl::Status NotFound(absl::string_view what, absl::string_view id) {
  return absl::NotFoundError(absl::StrCat(what, " ", id, " not found"));
}

// The change a call makes to `resource` (its event keyed by `subject`, its audit row digesting
// `state`), as the Recorder takes it.
inline service::Change ChangeOf(const Context& ctx, const std::string& resource,
                                const std::string& territory, const std::string& subject,
                                const google::protobuf::Message& event,
                                const google::protobuf::Message& state) {
  service::Change change = service::ChangeBy(ctx.caller, ctx.role, ctx.method);
  change.request_id = ctx.request_id;
  change.resource = resource;
  change.territory = territory;
  change.subject = subject;
  change.event = &event;
  change.state = &state;
  return change;
}

// A declaration's move that makes no act (validated, rejected, flagged, decided).
inline v1::DeclarationStateChanged StateChangeOf(const v1::Declaration& d,
                                                 v1::DeclarationState previous) {
  v1::DeclarationStateChanged e;
  e.set_declaration_id(d.id());
  e.set_kind(d.kind());
  e.set_previous_state(previous);
  e.set_state(d.state());
  e.set_duplicate_status(d.duplicate_status());
  e.set_bureau_code(d.bureau_code());
  e.set_commune_code(d.commune_code());
  e.set_reason(d.rejection_reason());
  return e;
}

inline v1::Bureau BureauFromRow(const pg::Result& r, int i) {
  v1::Bureau b;
  b.set_code(std::string(r.Text(i, 0)));
  b.set_commune_code(std::string(r.Text(i, 1)));
  b.set_country_code(std::string(r.Text(i, 2)));
  b.mutable_name()->set_ar(std::string(r.Text(i, 4)));
  b.mutable_name()->set_fr(std::string(r.Text(i, 5)));
  return b;
}

inline absl::Status SaveDeclaration(pg::Transaction& tx, const DeclarationRow& row, int64_t now) {
  return tx
      .Exec(sql::kUpdateDeclaration,
            {row.doc.id(), static_cast<int>(row.doc.state()),
             static_cast<int>(row.doc.duplicate_status()), pg::Param::Bytes(Serialize(row.doc)),
             absl::StrCat(now), pg::TextArray(row.cleared)})
      .status();
}

// Candidates for a declaration (excluding those already reviewed as NOT_DUPLICATE).
inline absl::StatusOr<std::vector<v1::DuplicateCandidate>> FindDuplicates(
    pg::Transaction& tx, const v1::Declaration& d, const std::vector<std::string>& cleared) {
  absl::StatusOr<pg::Result> r;
  if (d.has_birth()) {
    const auto& b = d.birth();
    Names child = NormalizedNames(b.child());
    Names mother = NormalizedNames(b.mother().name());
    r = tx.Exec(sql::kBirthCandidates,
                {DateText(b.birth_date()), child.ar, child.lat, b.mother().idcs(), mother.ar,
                 mother.lat, d.id(), child.key_ar(), child.key_lat()});
  } else {
    const auto& x = d.death();
    Names deceased = NormalizedNames(x.deceased());
    r = tx.Exec(sql::kDeathCandidates, {DateText(x.death_date()), deceased.ar, deceased.lat,
                                        x.deceased_idcs(), DateParam(x.deceased_birth_date()),
                                        d.id(), deceased.key_ar(), deceased.key_lat()});
  }
  if (!r.ok()) return r.status();
  std::vector<v1::DuplicateCandidate> out;
  for (int i = 0; i < r->rows(); ++i) {
    v1::DuplicateCandidate c;
    c.set_declaration_id(std::string(r->Text(i, 0)));
    c.set_act_id(std::string(r->Text(i, 1)));
    c.set_act_reference(std::string(r->Text(i, 2)));
    c.set_score(r->Double(i, 3));
    const std::string& id = c.act_id().empty() ? c.declaration_id() : c.act_id();
    if (std::find(cleared.begin(), cleared.end(), id) == cleared.end()) out.push_back(c);
  }
  return out;
}

inline void SetDuplicates(v1::Declaration& d, std::vector<v1::DuplicateCandidate> candidates) {
  d.clear_duplicate_candidates();
  for (auto& c : candidates) *d.add_duplicate_candidates() = std::move(c);
  if (d.duplicate_candidates_size() > 0) {
    d.set_duplicate_status(v1::POTENTIAL_DUPLICATE);
  } else if (d.duplicate_status() != v1::NOT_DUPLICATE) {
    d.set_duplicate_status(v1::NO_MATCH);
  }
}

// Writes a birth act's current view (names, words, keys, deceased) to its search columns.
inline absl::Status SaveActView(pg::Transaction& tx, const v1::Act& act, bool deceased) {
  const auto& child = act.current_birth().child();
  Names current = NormalizedNames(child);
  return tx
      .Exec(sql::kUpdateActView,
            {act.id(), child.given_name().ar(), child.family_name().ar(), child.given_name().fr(),
             child.family_name().fr(), current.ar, current.lat, deceased, WordsOf(child),
             current.key_ar(), current.key_lat()})
      .status();
}

inline v1::ActRegistered ActRegisteredOf(const v1::Act& act, const common::v1::Date& event_date) {
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

inline v1::MentionAdded MentionAddedOf(const v1::Act& act, const v1::Mention& m) {
  v1::MentionAdded added;
  added.set_act_id(act.id());
  added.set_act_reference(act.reference());
  added.set_mention_kind(m.kind());
  added.set_sequence(m.sequence());
  added.set_commune_code(act.commune_code());
  return added;
}

inline absl::Status PotentialDuplicate(const v1::Declaration& d) {
  return RuleError(
      absl::StatusCode::kFailedPrecondition, reasons::kPotentialDuplicate, "",
      absl::StrCat("declaration ", d.id(), " may duplicate ", d.duplicate_candidates_size(),
                   " existing record(s); a reviewer must decide (ReviewDuplicate)"));
}

// The DEATH mention on the deceased's birth act (locked by the caller), in the death act's
// transaction: the mention, the act's search view (deceased), its event and audit record.
inline absl::Status AddDeathMention(pg::Transaction& tx, const service::Recorder& recorder,
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

// Citizens may order copies of their own birth act and of their children's while they are minors.
inline constexpr int kMajorityAge = 18;

// On which ground `p` may have copies of a birth act made (issued or ordered), if any: their own
// act, their child's while the child is a minor on `today`, or civil-status staff of the act's
// territory; a service (WATIQA) for the order it serves, in its territory.
inline std::optional<v1::CopyEntitlement::Basis> CopyBasis(
    const auth::Principal& p, const ActRow& row, const territory::Referential& referential,
    absl::CivilDay today) {
  if (row.act.kind() != v1::BIRTH) return std::nullopt;
  if ((p.HasRole(roles::kCivilAgent) || p.HasRole(roles::kCivilOfficer) ||
       p.HasRole(roles::kService)) &&
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

inline bool CanRead(const auth::Principal& p, const ActRow& row,
                    const territory::Referential& referential) {
  if (IsReader(p) && auth::CanAccessTerritory(p, row.territory, referential)) return true;
  if (p.HasRole(roles::kCitizen) && !p.idcs.empty()) {
    return p.idcs == row.subject_idcs || p.idcs == row.father_idcs || p.idcs == row.mother_idcs;
  }
  return false;
}

}  // namespace zp::sgec::internal
