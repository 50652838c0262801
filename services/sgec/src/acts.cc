#include "services/sgec/src/acts.h"

#include <optional>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "services/sgec/src/act_rows.h"
#include "services/sgec/src/declaration_rows.h"
#include "services/sgec/src/idcs.h"
#include "services/sgec/src/queries.h"
#include "zp/core/uuid.h"
#include "zp/pg/idempotency.h"
#include "zp/sgec/v1/events.pb.h"

namespace zp::sgec {
using namespace internal;  // NOLINT: the registry's own helpers

absl::StatusOr<v1::Act> Acts::RegisterAct(const Caller& c, const v1::RegisterActRequest& r) {
  ASSIGN_OR_RETURN(std::string role, ActingRole(c.principal, {roles::kCivilOfficer}));
  RETURN_IF_ERROR(CheckRequestId(r.request_id()));
  Context ctx{c, role, r.request_id(), "RegisterAct"};
  return pg::RunIdempotent<v1::Act>(
      core_.pool, ctx.method, c.principal.subject, r.request_id(), r,
      [&](pg::Transaction& tx) -> absl::StatusOr<v1::Act> {
        // One registration at a time per bureau (taken with the declaration's row lock): numbers
        // stay consecutive and two registrations of one person in one bureau see each other.
        ASSIGN_OR_RETURN(auto row,
                         LoadDeclaration(tx, sql::kLockDeclarationToRegister, r.declaration_id()));
        if (!row.has_value() ||
            !auth::CanAccessTerritory(c.principal, row->territory, *core_.referential)) {
          return NotFound("declaration", r.declaration_id());
        }
        v1::Declaration& d = row->doc;
        RETURN_IF_ERROR(CheckTransition(d.state(), Step::kRegister));
        if (d.duplicate_status() == v1::POTENTIAL_DUPLICATE) return PotentialDuplicate(d);

        ASSIGN_OR_RETURN(auto candidates, FindDuplicates(tx, d, row->cleared));
        const int64_t now = NowMicros(core_.clock);
        if (!candidates.empty()) {
          SetDuplicates(d, std::move(candidates));
          *d.mutable_update_time() = Timestamp(now);
          RETURN_IF_ERROR(SaveDeclaration(tx, *row, now));
          const v1::DeclarationStateChanged flagged = StateChangeOf(d, d.state());
          RETURN_IF_ERROR(core_.recorder.Record(
              tx, ChangeOf(ctx, DeclarationName(d.id()), row->territory, d.id(), flagged, d)));
          return pg::CommitThenFail(PotentialDuplicate(d));
        }

        const int year = static_cast<int>(MoroccoDay(core_.clock.Now()).year());
        v1::Act act;
        act.set_id(core::NewUuidV7());
        act.set_kind(d.kind());
        act.set_bureau_code(d.bureau_code());
        act.set_year(year);
        act.set_commune_code(d.commune_code());
        act.set_declaration_id(d.id());
        act.set_origin(v1::LIVE);
        act.set_registered_by(c.principal.subject);
        *act.mutable_register_time() = Timestamp(now);

        pg::Param idcs = nullptr;
        std::string father_idcs, mother_idcs, subject_idcs;
        Names names, mother;
        std::string event_date, original;
        pg::Param birth_date = nullptr;
        const v1::PersonName* name = nullptr;
        std::optional<ActRow> birth_act;  // of the deceased
        if (d.has_birth()) {
          const auto& b = d.birth();
          // Nine CSPRNG digits and a check digit, drawn below with the insert.
          std::string assigned = core_.idcs_source();
          act.set_idcs(assigned);
          idcs = assigned;
          subject_idcs = assigned;
          father_idcs = b.father().idcs();
          mother_idcs = b.mother().idcs();
          mother = NormalizedNames(b.mother().name());
          event_date = DateText(b.birth_date());
          birth_date = event_date;
          name = &b.child();
          *act.mutable_birth() = b;
          *act.mutable_current_birth() = b;
          original = Serialize(b);
        } else {
          const auto& x = d.death();
          subject_idcs = x.deceased_idcs();
          act.set_idcs(subject_idcs);
          event_date = DateText(x.death_date());
          if (ToCivilDay(x.deceased_birth_date()).has_value()) {
            birth_date = DateText(x.deceased_birth_date());
          }
          name = &x.deceased();
          *act.mutable_death() = x;
          *act.mutable_current_death() = x;
          original = Serialize(x);
          if (!subject_idcs.empty()) {
            ASSIGN_OR_RETURN(birth_act, LoadAct(tx, sql::kLockBirthActByIdcs, subject_idcs));
          }
          // The deceased's birth date, for search by birth date: as declared, else registered.
          if (!ToCivilDay(x.deceased_birth_date()).has_value() && birth_act.has_value()) {
            birth_date = DateText(birth_act->act.current_birth().birth_date());
          }
        }
        names = NormalizedNames(*name);
        d.set_state(v1::REGISTERED);
        d.set_act_id(act.id());
        *d.mutable_update_time() = Timestamp(now);
        pg::Params params = {act.id(),
                             static_cast<int>(act.kind()),
                             act.bureau_code(),
                             year,
                             row->territory,
                             idcs,
                             subject_idcs,
                             father_idcs,
                             mother_idcs,
                             d.id(),
                             event_date,
                             birth_date,
                             name->given_name().ar(),
                             name->family_name().ar(),
                             name->given_name().fr(),
                             name->family_name().fr(),
                             names.ar,
                             names.lat,
                             mother.ar,
                             mother.lat,
                             pg::Param::Bytes(original),
                             c.principal.subject,
                             absl::StrCat(now),
                             pg::Param::Bytes(Serialize(d)),
                             WordsOf(*name),
                             names.key_ar(),
                             names.key_lat()};
        ASSIGN_OR_RETURN(pg::Result inserted, tx.Exec(sql::kInsertAct, params));
        // A birth whose drawn IDCS was assigned before: draw again (one in 10^9 per assigned
        // IDCS); nothing was written.
        for (int attempt = 0; d.has_birth() && inserted.rows() == 0; ++attempt) {
          if (attempt == 20) return absl::InternalError("could not draw a free IDCS");
          const std::string again = core_.idcs_source();
          act.set_idcs(again);
          params[5] = again;
          params[6] = again;
          ASSIGN_OR_RETURN(inserted, tx.Exec(sql::kInsertAct, params));
        }
        act.set_number(static_cast<int32_t>(inserted.Int(0, 0)));
        act.set_reference(ActReference(d.bureau_code(), year, act.number()));

        v1::ActRegistered registered =
            ActRegisteredOf(act, d.has_birth() ? d.birth().birth_date() : d.death().death_date());
        const service::Change change =
            ChangeOf(ctx, ActName(act.id()), row->territory, act.id(), registered, act);
        if (d.has_death()) {
          v1::DeathRegistered death;
          death.set_act_id(act.id());
          death.set_act_reference(act.reference());
          death.set_deceased_idcs(subject_idcs);
          *death.mutable_death_date() = d.death().death_date();
          death.set_commune_code(act.commune_code());
          if (birth_act.has_value()) {
            RETURN_IF_ERROR(AddDeathMention(tx, core_.recorder, ctx, *birth_act, act,
                                            d.death().death_date(), now));
            death.set_birth_act_id(birth_act->act.id());
          }
          RETURN_IF_ERROR(core_.recorder.RecordBatch(
              tx, change, {core_.recorder.EventOf(change, act.id(), death)}));
          return act;
        }
        RETURN_IF_ERROR(core_.recorder.Record(tx, change));
        return act;
      });
}

// ---------------------------------------------------------------------------------------------
// Acts.

absl::StatusOr<v1::Act> Acts::GetAct(const Caller& c, const v1::GetActRequest& r) {
  // A role that never reads acts is told so; a reader is told only what it may see.
  RETURN_IF_ERROR(ScopeOf(c.principal, true).status());
  if (!core::IsUuid(r.id())) return NotFound("act", r.id());
  ASSIGN_OR_RETURN(pg::Transaction tx, pg::Transaction::Begin(core_.pool));
  ASSIGN_OR_RETURN(auto row, LoadAct(tx, sql::kGetAct, r.id()));
  RETURN_IF_ERROR(tx.Commit());
  if (!row.has_value() || !CanRead(c.principal, *row, *core_.referential))
    return NotFound("act", r.id());
  return row->act;
}

absl::StatusOr<v1::Act> Acts::AddMention(const Caller& c, const v1::AddMentionRequest& r) {
  ASSIGN_OR_RETURN(std::string role, ActingRole(c.principal, {roles::kCivilOfficer}));
  RETURN_IF_ERROR(CheckRequestId(r.request_id()));
  RETURN_IF_ERROR(ValidateMention(r.mention(), MoroccoDay(core_.clock.Now())));
  Context ctx{c, role, r.request_id(), "AddMention"};
  return pg::RunIdempotent<v1::Act>(
      core_.pool, ctx.method, c.principal.subject, r.request_id(), r,
      [&](pg::Transaction& tx) -> absl::StatusOr<v1::Act> {
        if (!core::IsUuid(r.act_id())) return NotFound("act", r.act_id());
        ASSIGN_OR_RETURN(auto row, LoadAct(tx, sql::kLockAct, r.act_id()));
        if (!row.has_value() ||
            !auth::CanAccessTerritory(c.principal, row->territory, *core_.referential)) {
          return NotFound("act", r.act_id());
        }
        v1::Act& act = row->act;
        const v1::Mention& in = r.mention();
        if (act.kind() != v1::BIRTH) {
          return RuleError(absl::StatusCode::kFailedPrecondition, reasons::kWrongActKind, "act_id",
                           "mentions of marriage, divorce and rectification go on birth acts");
        }
        RETURN_IF_ERROR(CheckMentionInHistory(in, act));
        if (in.kind() == v1::MENTION_RECTIFICATION) {
          RETURN_IF_ERROR(ApplyRectifications(in, *act.mutable_current_birth()));
        }
        const int64_t now = NowMicros(core_.clock);
        v1::Mention m = in;
        m.set_id(core::NewUuidV7());
        m.clear_death_act_id();
        m.set_created_by(c.principal.subject);
        *m.mutable_create_time() = Timestamp(now);
        m.set_sequence(act.mentions_size() + 1);  // the act's row is locked
        RETURN_IF_ERROR(tx.Exec(sql::kInsertMention,
                                {m.id(), act.id(), m.sequence(), static_cast<int>(m.kind()),
                                 pg::Param::Bytes(Serialize(m)), absl::StrCat(now)})
                            .status());
        *act.add_mentions() = m;
        if (m.kind() == v1::MENTION_RECTIFICATION) {
          RETURN_IF_ERROR(SaveActView(tx, act, act.deceased()));
        }
        v1::MentionAdded added = MentionAddedOf(act, m);
        RETURN_IF_ERROR(core_.recorder.Record(
            tx, ChangeOf(ctx, ActName(act.id()), row->territory, act.id(), added, m)));
        return act;
      });
}

namespace {

// A name search holds a given and a family name (100 characters each at most) and a few spaces.
constexpr size_t kMaxSearchText = 210;

// The words of a normalised query, at most eight, as a text[] literal.
std::string QueryWords(const std::string& text) {
  std::vector<std::string> words = absl::StrSplit(text, ' ', absl::SkipEmpty());
  if (words.size() > 8) words.resize(8);
  return pg::TextArray(words);
}

// An act's summary from the ZP_SGEC_SUMMARY_COLUMNS of row `i`.
v1::ActSummary SummaryOf(const pg::Result& rows, int i) {
  v1::ActSummary s;
  s.set_id(std::string(rows.Text(i, 0)));
  s.set_kind(static_cast<v1::ActKind>(rows.Int(i, 1)));
  s.set_reference(std::string(rows.Text(i, 2)));
  s.set_idcs(std::string(rows.Text(i, 3)));
  s.mutable_name()->mutable_given_name()->set_ar(std::string(rows.Text(i, 4)));
  s.mutable_name()->mutable_family_name()->set_ar(std::string(rows.Text(i, 5)));
  s.mutable_name()->mutable_given_name()->set_fr(std::string(rows.Text(i, 6)));
  s.mutable_name()->mutable_family_name()->set_fr(std::string(rows.Text(i, 7)));
  std::vector<std::string> ymd = absl::StrSplit(rows.Text(i, 8), '-');
  if (ymd.size() == 3) {
    int y = 0, m = 0, d = 0;
    (void)absl::SimpleAtoi(ymd[0], &y);
    (void)absl::SimpleAtoi(ymd[1], &m);
    (void)absl::SimpleAtoi(ymd[2], &d);
    s.mutable_event_date()->set_year(y);
    s.mutable_event_date()->set_month(m);
    s.mutable_event_date()->set_day(d);
  }
  const absl::string_view territory = rows.Text(i, 9);
  if (territory != kNational) s.set_commune_code(std::string(territory));
  s.set_deceased(rows.Bool(i, 10));
  return s;
}

}  // namespace

absl::StatusOr<v1::ListMyActsResponse> Acts::ListMyActs(const Caller& c,
                                                        const v1::ListMyActsRequest& r) {
  RETURN_IF_ERROR(ActingRole(c.principal, {roles::kCitizen}).status());
  ASSIGN_OR_RETURN(int size, PageSize(r.page_size()));
  ASSIGN_OR_RETURN(std::optional<std::string> after, core::DecodeUuidPageToken(r.page_token()));
  v1::ListMyActsResponse out;
  if (c.principal.idcs.empty()) return out;
  pg::Param cursor = nullptr;
  if (after.has_value()) cursor = *after;
  ASSIGN_OR_RETURN(pg::Result rows,
                   core_.pool.Exec(sql::kMyActs, {c.principal.idcs, cursor, size + 1}));
  for (int i = 0; i < rows.rows() && i < size; ++i) {
    v1::MyAct* act = out.add_acts();
    *act->mutable_act() = SummaryOf(rows, i);
    act->set_relation(static_cast<v1::ActRelation>(rows.Int(i, 11)));
  }
  if (rows.rows() > size)
    out.set_next_page_token(core::EncodePageToken(out.acts(size - 1).act().id()));
  return out;
}

absl::StatusOr<v1::SearchActsResponse> Acts::SearchActs(const Caller& c,
                                                        const v1::SearchActsRequest& r) {
  ASSIGN_OR_RETURN(Scope scope, ScopeOf(c.principal, true));
  ASSIGN_OR_RETURN(int size, PageSize(r.page_size()));
  const int kind = static_cast<int>(r.kind());
  absl::StatusOr<pg::Result> rows;
  bool by_name = false;
  switch (r.query_case()) {
    case v1::SearchActsRequest::kIdcs:
      if (!IsValidIdcs(r.idcs())) {
        return core::InvalidArgumentError("idcs", "not a valid IDCS");
      }
      rows = core_.pool.Exec(sql::kSearchByIdcs,
                             {r.idcs(), scope.codes, scope.prefixes, scope.citizen_idcs, kind});
      break;
    case v1::SearchActsRequest::kReference: {
      const auto& ref = r.reference();
      core::Violations v;
      if (ref.bureau_code().empty()) v.Add("reference.bureau_code", "required");
      if (ref.year() <= 0) v.Add("reference.year", "required");
      if (ref.number() <= 0) v.Add("reference.number", "required");
      RETURN_IF_ERROR(v.ToStatus());
      rows = core_.pool.Exec(sql::kSearchByReference,
                             {ref.bureau_code(), scope.codes, scope.prefixes, scope.citizen_idcs,
                              kind, ref.year(), ref.number()});
      break;
    }
    case v1::SearchActsRequest::kNames: {
      const auto& q = r.names();
      const std::string text = NormalizeName(q.text());
      core::Violations v;
      const bool arabic = IsArabicScript(q.text());
      if (text.size() < 3) {
        v.Add("names.text", "at least three letters");
      } else if (core::CharacterCount(q.text()) > kMaxSearchText) {
        v.Add("names.text", absl::StrCat("at most ", kMaxSearchText, " characters"));
      } else if (!arabic && !IsLatinScript(q.text())) {
        v.Add("names.text", "names in Arabic or in Latin script");
      }
      if (q.has_birth_date_from() && !ToCivilDay(q.birth_date_from()).has_value()) {
        v.Add("names.birth_date_from", "not a valid date");
      }
      if (q.has_birth_date_to() && !ToCivilDay(q.birth_date_to()).has_value()) {
        v.Add("names.birth_date_to", "not a valid date");
      }
      RETURN_IF_ERROR(v.ToStatus());
      pg::Param after_score = nullptr;
      pg::Param after_id = nullptr;
      if (!r.page_token().empty()) {
        ASSIGN_OR_RETURN(std::string raw, core::DecodePageToken(r.page_token()));
        std::vector<std::string> parts = absl::StrSplit(raw, '|');
        double score = 0;
        if (parts.size() != 2 || !absl::SimpleAtod(parts[0], &score) || !core::IsUuid(parts[1])) {
          return core::InvalidArgumentError("page_token", "not a token returned by this method");
        }
        after_score = parts[0];
        after_id = parts[1];
      }
      by_name = true;
      rows = core_.pool.Exec(arabic ? sql::kSearchByNameAr : sql::kSearchByNameLat,
                             {text, scope.codes, scope.prefixes, scope.citizen_idcs, kind,
                              DateParam(q.birth_date_from()), DateParam(q.birth_date_to()),
                              q.commune_code(), after_score, after_id, size + 1, QueryWords(text)});
      break;
    }
    default:
      return core::InvalidArgumentError("query", "one of idcs, reference or names");
  }
  if (!rows.ok()) return rows.status();
  v1::SearchActsResponse out;
  std::string last_score;
  for (int i = 0; i < rows->rows() && i < size; ++i) {
    v1::ActSummary* s = out.add_results();
    *s = SummaryOf(*rows, i);
    last_score = std::string(rows->Text(i, 11));
    double score = 0;
    (void)absl::SimpleAtod(last_score, &score);
    s->set_score(score);
  }
  if (by_name && rows->rows() > size) {
    out.set_next_page_token(
        core::EncodePageToken(absl::StrCat(last_score, "|", out.results(size - 1).id())));
  }
  return out;
}

}  // namespace zp::sgec
