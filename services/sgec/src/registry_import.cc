// The historical-records import ("reprise de l'historique"): paper registers taken in by batches.
//
// Each batch is one transaction: records are validated with the rules of declarations (the
// registration date standing for "today"), compared by key (bureau, year, kind, number) with the
// register, and the new ones inserted as REGISTERED acts of origin HISTORICAL, each birth with a
// fresh IDCS, with their mentions, events (ActRegistered, in one statement) and one audit record
// for the batch. A record whose key is taken with identical content is "already present"; with
// different content it is a conflict, kept aside in import_conflicts and never written over the
// act. A stream that breaks off loses nothing committed, and rerunning the file completes it.
// An accepted act that looks like a person registered before is listed with its candidates, for
// a civil_officer to decide (ListPossibleDuplicates, ReviewPossibleDuplicate).
#include <future>
#include <map>
#include <set>
#include <unordered_set>

#include "absl/strings/escaping.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "services/sgec/src/idcs.h"
#include "services/sgec/src/registry.h"
#include "services/sgec/src/registry_internal.h"
#include "zp/core/files.h"

namespace zp::sgec {

using namespace internal;  // NOLINT: the registry's own helpers

namespace {

constexpr pg::Query kStartImport{"sgec_start_import", R"sql(
INSERT INTO imports (id, started_by, territory_scope, started_at, updated_at)
VALUES ($1::uuid, $2, $3::text[], to_timestamp($4::numeric / 1000000),
        to_timestamp($4::numeric / 1000000))
ON CONFLICT (id) DO NOTHING)sql"};

constexpr pg::Query kAllBureaus{"sgec_import_bureaus", "SELECT code, territory FROM bureaus"};

constexpr pg::Query kOutboxBacklog{"sgec_outbox_backlog",
                                   "SELECT count(*) FROM (SELECT 1 FROM outbox LIMIT $1) o"};

// The acts already registered under the batch's keys.
constexpr pg::Query kExistingKeys{"sgec_import_existing", R"sql(
SELECT k.ord, a.id::text, coalesce(a.content_digest, ''::bytea)
FROM unnest($1::text[], $2::int[], $3::smallint[], $4::int[], $5::bigint[]) AS k(b, y, t, n, ord)
JOIN acts a ON a.bureau_code = k.b AND a.year = k.y AND a.kind = k.t AND a.number = k.n)sql"};

constexpr pg::Query kClaimIdcs{"sgec_import_claim_idcs", R"sql(
INSERT INTO idcs_registry (idcs) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING RETURNING idcs)sql"};

// The new acts, one row per array element. Returns the ids inserted: a key taken meanwhile (a
// concurrent import) inserts nothing for that row, and the batch is retried.
constexpr pg::Query kInsertActs{"sgec_import_acts", R"sql(
INSERT INTO acts (id, kind, bureau_code, year, number, territory, idcs, subject_idcs, father_idcs,
  mother_idcs, event_date, birth_date, given_ar, family_ar, given_fr, family_fr, name_ar_norm,
  name_lat_norm, mother_ar_norm, mother_lat_norm, original, registered_by, registered_at,
  name_words, name_key_ar, name_key_lat, deceased, origin, scan_reference, content_digest)
SELECT id, kind, bureau, year, number, territory, nullif(idcs, ''), subject, father, mother,
  event_date, birth_date, given_ar, family_ar, given_fr, family_fr, ar_norm, lat_norm, mother_ar,
  mother_lat, original, $26, registered_at,
  array_to_tsvector(string_to_array(words, ' ')), key_ar, key_lat, deceased, 2, scan, digest
FROM unnest($1::uuid[], $2::smallint[], $3::text[], $4::int[], $5::int[], $6::text[], $7::text[],
            $8::text[], $9::text[], $10::text[], $11::date[], $12::date[], $13::text[],
            $14::text[], $15::text[], $16::text[], $17::text[], $18::text[], $19::text[],
            $20::text[], $21::bytea[], $22::timestamptz[], $23::text[], $24::text[], $25::text[],
            $27::boolean[], $28::text[], $29::bytea[])
  AS u(id, kind, bureau, year, number, territory, idcs, subject, father, mother, event_date,
       birth_date, given_ar, family_ar, given_fr, family_fr, ar_norm, lat_norm, mother_ar,
       mother_lat, original, registered_at, words, key_ar, key_lat, deceased, scan, digest)
ON CONFLICT (bureau_code, year, kind, number) DO NOTHING
RETURNING id)sql"};

constexpr pg::Query kInsertWords{"sgec_import_words", R"sql(
INSERT INTO name_words (word) SELECT DISTINCT w FROM unnest($1::text[]) AS w
ON CONFLICT DO NOTHING)sql"};

// Live numbering of the current year ($4) continues after the numbers taken in from its paper
// register (live registrations number acts of the current year only).
constexpr pg::Query kBumpCounters{"sgec_import_counters", R"sql(
INSERT INTO act_counters (bureau_code, year, last_number)
SELECT b, y, max(n) FROM unnest($1::text[], $2::int[], $3::int[]) AS u(b, y, n)
WHERE y = $4 GROUP BY b, y
ON CONFLICT (bureau_code, year)
DO UPDATE SET last_number = greatest(act_counters.last_number, excluded.last_number))sql"};

constexpr pg::Query kInsertMentions{"sgec_import_mentions", R"sql(
INSERT INTO mentions (id, act_id, sequence, kind, doc, created_at)
SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::int[], $4::smallint[], $5::bytea[],
                     $6::timestamptz[]))sql"};

constexpr pg::Query kInsertIssues{"sgec_import_issues", R"sql(
INSERT INTO import_issues (import_id, ordinal, line, outcome, bureau_code, year, number, kind,
  reason, field, message, existing_act_id, content_digest)
SELECT $1::uuid, * FROM unnest($2::bigint[], $3::bigint[], $4::smallint[], $5::text[], $6::int[],
  $7::int[], $8::smallint[], $9::text[], $10::text[], $11::text[], $12::uuid[], $13::bytea[])
ON CONFLICT DO NOTHING)sql"};

constexpr pg::Query kInsertConflicts{"sgec_import_conflicts", R"sql(
INSERT INTO import_conflicts (bureau_code, year, kind, number, content_digest, existing_act_id,
  record, first_import_id, created_at)
SELECT b, y, t, n, d, a, r, $1::uuid, to_timestamp($2::numeric / 1000000)
FROM unnest($3::text[], $4::int[], $5::smallint[], $6::int[], $7::bytea[], $8::uuid[],
            $9::bytea[]) AS u(b, y, t, n, d, a, r)
ON CONFLICT DO NOTHING)sql"};

// Acts registered before that look like the person of each new act of the batch: the rules of
// kBirthCandidates and kDeathCandidates, act against act. $1 the new acts, $2 their ordinals in
// the stream: an act of the batch counts as "before" when its ordinal is lower, so a pair inside
// the batch is listed once, on its later record.
constexpr pg::Query kImportDuplicates{"sgec_import_duplicates", R"sql(
WITH n AS (
  SELECT * FROM unnest($1::uuid[], $2::bigint[]) AS n(id, ord)
), m AS (
  SELECT n.ord, a.id, a.kind, a.event_date, a.birth_date, a.subject_idcs, a.mother_idcs,
         a.name_ar_norm, a.name_lat_norm, a.mother_ar_norm, a.mother_lat_norm, a.name_key_ar,
         a.name_key_lat
  FROM n JOIN acts a ON a.id = n.id
), blocked AS (  -- index probes: the name key in each script, and a deceased's IDCS
  SELECT m.id AS self, o.id AS other FROM m JOIN acts o
    ON o.kind = m.kind AND o.event_date = m.event_date AND o.name_key_ar = m.name_key_ar
  UNION
  SELECT m.id, o.id FROM m JOIN acts o
    ON o.kind = m.kind AND o.event_date = m.event_date AND o.name_key_lat = m.name_key_lat
  UNION
  SELECT m.id, o.id FROM m JOIN acts o
    ON m.kind = 2 AND m.subject_idcs <> '' AND o.subject_idcs = m.subject_idcs AND o.kind = 2
)
SELECT m.ord, o.id::text, o.bureau_code || '/' || o.year || '/' || o.number,
       greatest(similarity(o.name_ar_norm, m.name_ar_norm),
                similarity(o.name_lat_norm, m.name_lat_norm))::float8 AS score
FROM blocked b JOIN m ON m.id = b.self JOIN acts o ON o.id = b.other
LEFT JOIN n later ON later.id = o.id AND later.ord > m.ord
WHERE o.id <> m.id AND later.id IS NULL
  AND ((m.kind = 2 AND m.subject_idcs <> '' AND o.subject_idcs = m.subject_idcs)
       OR ((similarity(o.name_ar_norm, m.name_ar_norm) >= 0.6
            OR similarity(o.name_lat_norm, m.name_lat_norm) >= 0.6)
           AND CASE WHEN m.kind = 1 THEN
                 (m.mother_idcs <> '' AND o.mother_idcs = m.mother_idcs)
                 OR similarity(o.mother_ar_norm, m.mother_ar_norm) >= 0.6
                 OR similarity(o.mother_lat_norm, m.mother_lat_norm) >= 0.6
               ELSE m.birth_date IS NULL OR o.birth_date IS NULL
                 OR o.birth_date = m.birth_date END))
ORDER BY m.ord, score DESC)sql"};

constexpr pg::Query kInsertDuplicates{"sgec_import_insert_duplicates", R"sql(
INSERT INTO import_duplicates (import_id, ordinal, act_id, candidate_act_id, score, bureau_code)
SELECT $1::uuid, * FROM unnest($2::bigint[], $3::uuid[], $4::uuid[], $5::real[], $6::text[])
ON CONFLICT DO NOTHING)sql"};

// A listed pair as PossibleDuplicate: acts, references, score, import and line, decision
// (POTENTIAL_DUPLICATE while open), note, reviewer and time (microseconds); then the act's
// territory.
#define ZP_SGEC_POSSIBLE_DUPLICATE_SELECT                                                     \
  "SELECT d.act_id::text, a.bureau_code || '/' || a.year || '/' || a.number, d.bureau_code, " \
  "d.candidate_act_id::text, o.bureau_code || '/' || o.year || '/' || o.number, "             \
  "d.score::float8, d.import_id::text, i.line, coalesce(d.decision, 2), d.note, "             \
  "coalesce(d.reviewed_by, ''), "                                                             \
  "coalesce((extract(epoch FROM d.reviewed_at) * 1000000)::bigint, 0), a.territory "          \
  "FROM import_duplicates d JOIN acts a ON a.id = d.act_id "                                  \
  "JOIN acts o ON o.id = d.candidate_act_id "                                                 \
  "JOIN import_issues i ON i.import_id = d.import_id AND i.ordinal = d.ordinal "

// One bureau's pairs, open ($2 false) or decided, after the pair ($3, $4), $5 of them.
constexpr pg::Query kListPossibleDuplicates{
    "sgec_list_possible_duplicates", ZP_SGEC_POSSIBLE_DUPLICATE_SELECT
    "WHERE d.bureau_code = $1 AND (d.decision IS NOT NULL) = $2 "
    "AND ($3::uuid IS NULL OR (d.act_id, d.candidate_act_id) > ($3::uuid, $4::uuid)) "
    "ORDER BY d.act_id, d.candidate_act_id LIMIT $5"};

constexpr pg::Query kLockPossibleDuplicate{
    "sgec_lock_possible_duplicate", ZP_SGEC_POSSIBLE_DUPLICATE_SELECT
    "WHERE d.act_id = $1::uuid AND d.candidate_act_id = $2::uuid FOR UPDATE OF d"};

#undef ZP_SGEC_POSSIBLE_DUPLICATE_SELECT

constexpr pg::Query kDecidePossibleDuplicate{"sgec_decide_possible_duplicate", R"sql(
UPDATE import_duplicates SET decision = $3, note = $4, reviewed_by = $5,
  reviewed_at = to_timestamp($6::numeric / 1000000)
WHERE act_id = $1::uuid AND candidate_act_id = $2::uuid AND decision IS NULL)sql"};

constexpr pg::Query kCountImport{"sgec_import_count", R"sql(
UPDATE imports SET received = received + $2, accepted = accepted + $3,
  already_present = already_present + $4, conflicting = conflicting + $5,
  rejected = rejected + $6, updated_at = to_timestamp($7::numeric / 1000000), finished = $8,
  possible_duplicates = possible_duplicates + $9
WHERE id = $1::uuid)sql"};

constexpr pg::Query kGetImport{"sgec_get_import", R"sql(
SELECT started_by, territory_scope::text[], received, accepted, already_present, conflicting,
  rejected, finished, possible_duplicates FROM imports WHERE id = $1::uuid)sql"};

constexpr pg::Query kImportIssues{"sgec_import_issues_page", R"sql(
SELECT i.ordinal, i.line, i.outcome, i.bureau_code, i.year, i.number, i.kind, i.reason, i.field,
  i.message, coalesce(i.existing_act_id::text, ''), c.record
FROM import_issues i
LEFT JOIN import_conflicts c ON i.outcome = 2 AND c.bureau_code = i.bureau_code
  AND c.year = i.year AND c.kind = i.kind AND c.number = i.number
  AND c.content_digest = i.content_digest
WHERE i.import_id = $1::uuid AND i.ordinal > $2
ORDER BY i.ordinal LIMIT $3)sql"};

// The candidates of the possible duplicates among the records ($2, $3] of a report's page.
constexpr pg::Query kImportDuplicatesPage{"sgec_import_duplicates_page", R"sql(
SELECT d.ordinal, d.act_id::text, d.candidate_act_id::text,
       a.bureau_code || '/' || a.year || '/' || a.number, d.score::float8
FROM import_duplicates d JOIN acts a ON a.id = d.candidate_act_id
WHERE d.import_id = $1::uuid AND d.ordinal > $2 AND d.ordinal <= $3
ORDER BY d.ordinal, d.score DESC, d.candidate_act_id)sql"};

constexpr int kMaxScanReference = 512;
constexpr int kMaxNumber = 10000000;
constexpr int kFirstYear = 1900;
constexpr size_t kMaxKnownWords = 2000000;
constexpr size_t kMaxCandidates = 20;  // per record, the most similar first

struct Key {
  std::string bureau;
  int year;
  int kind;
  int number;
  bool operator<(const Key& o) const {
    return std::tie(bureau, year, kind, number) < std::tie(o.bureau, o.year, o.kind, o.number);
  }
};

// A record of the batch, as it goes through the steps.
struct Item {
  int64_t ordinal = 0;
  v1::HistoricalRecord record;
  Key key;
  std::string digest;
  std::string territory;
  v1::ImportOutcome outcome = v1::IMPORT_OUTCOME_UNSPECIFIED;  // unspecified: to insert
  bool already_present = false;
  absl::Status rejection;
  std::string existing_act_id;
  v1::Act act;  // the act to insert (id, idcs, current view)
  std::optional<ActRow> deceased_birth_act;
  std::vector<v1::DuplicateCandidate> candidates;  // accepted, yet looks like a registered person
};

Key KeyOf(const v1::HistoricalRecord& r) {
  return {r.bureau_code(), r.year(), static_cast<int>(r.kind()), r.number()};
}

// SHA-256 of the record's deterministic serialisation, without its place in the file.
std::string DigestOf(v1::HistoricalRecord record) {
  record.set_line(0);
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream out(&stream);
    out.SetSerializationDeterministic(true);
    record.SerializeToCodedStream(&out);
  }
  return absl::HexStringToBytes(core::Sha256Hex(bytes));
}

// The ErrorInfo reason and the first offending field of a rejection.
// (Fields: every offending one, comma-separated.)
std::pair<std::string, std::string> ReasonAndField(const absl::Status& s) {
  std::string reason = core::ReasonOf(s).value_or(std::string(absl::StatusCodeToString(s.code())));
  std::vector<std::string> fields;
  for (const auto& v : core::FieldViolationsOf(s)) fields.push_back(v.field);
  return {reason, absl::StrJoin(fields, ",")};
}

// A row of ZP_SGEC_POSSIBLE_DUPLICATE_SELECT.
v1::PossibleDuplicate PossibleDuplicateOf(const pg::Result& r, int i) {
  v1::PossibleDuplicate p;
  p.set_act_id(std::string(r.Text(i, 0)));
  p.set_act_reference(std::string(r.Text(i, 1)));
  p.set_bureau_code(std::string(r.Text(i, 2)));
  p.mutable_candidate()->set_act_id(std::string(r.Text(i, 3)));
  p.mutable_candidate()->set_act_reference(std::string(r.Text(i, 4)));
  p.mutable_candidate()->set_score(r.Double(i, 5));
  p.set_import_id(std::string(r.Text(i, 6)));
  p.set_import_line(r.Int(i, 7));
  p.set_decision(static_cast<v1::DuplicateStatus>(r.Int(i, 8)));
  p.set_note(std::string(r.Text(i, 9)));
  p.set_reviewed_by(std::string(r.Text(i, 10)));
  if (r.Int(i, 11) != 0) *p.mutable_review_time() = Timestamp(r.Int(i, 11));
  return p;
}

absl::Time MoroccoMidnight(const common::v1::Date& d) {
  return absl::FromCivil(absl::CivilDay(d.year(), d.month(), d.day()), MoroccoZone());
}

}  // namespace

absl::StatusOr<v1::ImportSummary> Registry::ImportHistoricalActs(const Caller& c,
                                                                 RecordStream& stream) {
  ASSIGN_OR_RETURN(std::string role, ActingRole(c.principal, {roles::kCivilOfficer, roles::kDgct}));
  v1::ImportHistoricalActsRequest first;
  const bool any = stream.Next(&first);
  if (!core::IsUuid(first.import_id())) {
    return core::InvalidArgumentError("import_id",
                                      "a UUID chosen by the client, on the first message");
  }
  const std::string import_id = first.import_id();
  ASSIGN_OR_RETURN(pg::Result started,
                   pool_.Exec(kStartImport, {import_id, c.principal.subject,
                                             pg::TextArray(c.principal.territories),
                                             absl::StrCat(NowMicros(clock_))}));
  if (started.affected() == 0) {
    return core::RuleError(absl::StatusCode::kAlreadyExists, "IMPORT_EXISTS", "import_id",
                           "this import id was used: a rerun takes a new one");
  }
  // The bureaus of the register and their territories (a record names its bureau).
  std::map<std::string, std::string> bureaus;
  {
    ASSIGN_OR_RETURN(pg::Result rows, pool_.Exec(kAllBureaus));
    for (int i = 0; i < rows.rows(); ++i) {
      bureaus.emplace(std::string(rows.Text(i, 0)), std::string(rows.Text(i, 1)));
    }
  }
  Context ctx{c, role, import_id, "ImportHistoricalActs"};
  const absl::CivilDay today = MoroccoDay(clock_.Now());
  v1::ImportSummary summary;
  summary.set_import_id(import_id);
  int64_t ordinal = 0;
  bool more = any;
  std::vector<Item> batch;
  std::optional<v1::ImportHistoricalActsRequest> pending;
  if (any) pending = std::move(first);

  // Validation of one record alone (no database).
  auto validate = [&](Item& item) -> absl::Status {
    const v1::HistoricalRecord& r = item.record;
    if (!r.parse_error().empty()) {
      return RuleError(absl::StatusCode::kInvalidArgument, "UNPARSABLE_RECORD", "",
                       r.parse_error());
    }
    auto bureau = bureaus.find(r.bureau_code());
    if (bureau == bureaus.end() ||
        !auth::CanAccessTerritory(c.principal, bureau->second, *referential_)) {
      return RuleError(absl::StatusCode::kNotFound, "BUREAU_NOT_FOUND", "bureau_code",
                       "no bureau with this code in your territory");
    }
    item.territory = bureau->second;
    core::Violations v;
    if (r.kind() != v1::BIRTH && r.kind() != v1::DEATH) v.Add("kind", "BIRTH or DEATH");
    if ((r.kind() == v1::BIRTH) != r.has_birth() || (r.kind() == v1::DEATH) != r.has_death()) {
      v.Add(r.kind() == v1::BIRTH ? "birth" : "death", "the content of the record's kind");
    }
    if (r.year() < kFirstYear || r.year() > today.year()) {
      v.Add("year", absl::StrCat(kFirstYear, " to ", today.year()));
    }
    if (r.number() < 1 || r.number() > kMaxNumber) v.Add("number", "1 or more");
    std::optional<absl::CivilDay> registered = ToCivilDay(r.registration_date());
    if (!registered.has_value() || *registered > today) {
      v.Add("registration_date", "a valid date, not in the future");
    } else if (registered->year() != r.year()) {
      v.Add("registration_date", "in the record's year (acts are numbered per year)");
    }
    if (r.scan_reference().size() > kMaxScanReference) v.Add("scan_reference", "too long");
    RETURN_IF_ERROR(v.ToStatus());
    // The declaration's rules, with the registration date for "today".
    RETURN_IF_ERROR(r.has_birth() ? ValidateBirth(r.birth(), *registered, true, *referential_)
                                  : ValidateDeath(r.death(), *registered, true, *referential_));
    for (int i = 0; i < r.mentions_size(); ++i) {
      const v1::Mention& m = r.mentions(i);
      if (r.kind() != v1::BIRTH) {
        return core::InvalidArgumentError(absl::StrCat("mentions[", i, "]"),
                                          "mentions go on birth acts");
      }
      absl::Status s = ValidateMention(m, today);
      if (!s.ok()) return s;
    }
    return absl::OkStatus();
  };

  // Words of name_words seen committed by this import (touched by the writing stage only).
  std::unordered_set<std::string> known_words;
  // One batch in its transaction (retried when a concurrent import took one of its keys).
  // received, accepted, present, conflicting, rejected, possible duplicates (of the accepted)
  using Counts = std::array<int64_t, 6>;
  auto process = [&](std::vector<Item>& batch) -> absl::StatusOr<Counts> {
    // Keep the outbox bounded: wait while the relay is behind.
    for (;;) {
      ASSIGN_OR_RETURN(pg::Result backlog,
                       pool_.Exec(kOutboxBacklog, {import_options_.outbox_limit}));
      if (backlog.Int(0, 0) < import_options_.outbox_limit || stream.Cancelled()) break;
      absl::SleepFor(absl::Milliseconds(50));
    }
    absl::StatusOr<Counts> counted;
    for (int attempt = 0;; ++attempt) {
      counted = [&]() -> absl::StatusOr<Counts> {
        ASSIGN_OR_RETURN(pg::Transaction tx, pg::Transaction::Begin(pool_));
        const int64_t now = NowMicros(clock_);
        // Records checked against the register: parents and the deceased by IDCS.
        for (Item& item : batch) {
          item.already_present = false;
          item.existing_act_id.clear();
          item.deceased_birth_act.reset();
          item.candidates.clear();
          if (item.act.id().empty()) item.act.set_id(core::NewUuidV7());
          if (!item.rejection.ok()) continue;
          item.outcome = v1::IMPORT_OUTCOME_UNSPECIFIED;
          const v1::HistoricalRecord& r = item.record;
          absl::Status s;
          if (r.has_birth()) {
            for (const auto* parent : {&r.birth().father(), &r.birth().mother()}) {
              if (parent->idcs().empty() || !s.ok()) continue;
              ASSIGN_OR_RETURN(auto found, LoadAct(tx, sql::kGetBirthActByIdcs, parent->idcs()));
              if (!found.has_value()) {
                s = RuleError(
                    absl::StatusCode::kInvalidArgument, reasons::kParentNotFound,
                    parent == &r.birth().father() ? "birth.father.idcs" : "birth.mother.idcs",
                    "no registered person has this IDCS");
              } else if (parent == &r.birth().father()) {
                s = CheckFamilyName(r.birth(), PersonOf(found->act));
              }
            }
          } else if (!r.death().deceased_idcs().empty()) {
            ASSIGN_OR_RETURN(item.deceased_birth_act,
                             LoadAct(tx, sql::kLockBirthActByIdcs, r.death().deceased_idcs()));
            if (!item.deceased_birth_act.has_value()) {
              s = RuleError(absl::StatusCode::kInvalidArgument, reasons::kDeceasedNotFound,
                            "death.deceased_idcs", "no registered person has this IDCS");
            } else {
              s = CheckDeathAfterBirth(r.death(),
                                       PersonOf(item.deceased_birth_act->act).birth_date);
            }
          }
          if (!s.ok()) {
            item.rejection = s;
            item.outcome = v1::REJECTED_RECORD;
          }
        }
        // Keys: already registered (identical or conflicting), or repeated within the batch.
        std::vector<std::string> kb, ky, kt, kn, ko;
        for (const Item& item : batch) {
          if (item.outcome == v1::REJECTED_RECORD) continue;
          kb.push_back(item.key.bureau);
          ky.push_back(absl::StrCat(item.key.year));
          kt.push_back(absl::StrCat(item.key.kind));
          kn.push_back(absl::StrCat(item.key.number));
          ko.push_back(absl::StrCat(item.ordinal));
        }
        std::map<int64_t, std::pair<std::string, std::string>> existing;  // ordinal -> act, digest
        if (!kb.empty()) {
          ASSIGN_OR_RETURN(
              pg::Result found,
              tx.Exec(kExistingKeys, {pg::TextArray(kb), pg::TextArray(ky), pg::TextArray(kt),
                                      pg::TextArray(kn), pg::TextArray(ko)}));
          for (int i = 0; i < found.rows(); ++i) {
            existing[found.Int(i, 0)] = {std::string(found.Text(i, 1)), found.Bytes(i, 2)};
          }
        }
        std::map<Key, const Item*> first_of_key;
        for (Item& item : batch) {
          if (item.outcome == v1::REJECTED_RECORD) continue;
          auto e = existing.find(item.ordinal);
          std::string other_digest;
          if (e != existing.end()) {
            item.existing_act_id = e->second.first;
            other_digest = e->second.second;
          } else if (auto f = first_of_key.find(item.key); f != first_of_key.end()) {
            item.existing_act_id = f->second->act.id();
            other_digest = f->second->digest;
          } else {
            first_of_key.emplace(item.key, &item);
            continue;
          }
          if (other_digest == item.digest) {
            item.already_present = true;
          } else {
            item.outcome = v1::CONFLICTING_RECORD;
          }
        }
        // The new acts: ids, IDCS, current views.
        std::vector<Item*> fresh;
        for (Item& item : batch) {
          if (item.outcome != v1::IMPORT_OUTCOME_UNSPECIFIED || item.already_present) continue;
          if (item.existing_act_id.empty()) fresh.push_back(&item);
        }
        for (Item* item : fresh) {
          const v1::HistoricalRecord& r = item->record;
          v1::Act& a = item->act;
          const std::string id = a.id();  // drawn above: a later record of the key may cite it
          a.Clear();
          a.set_id(id);
          a.set_kind(r.kind());
          a.set_bureau_code(r.bureau_code());
          a.set_year(r.year());
          a.set_number(r.number());
          a.set_reference(ActReference(r.bureau_code(), r.year(), r.number()));
          a.set_commune_code(item->territory == kNational ? "" : item->territory);
          a.set_origin(v1::HISTORICAL);
          if (r.has_birth()) {
            *a.mutable_birth() = r.birth();
            *a.mutable_current_birth() = r.birth();
            for (const v1::Mention& m : r.mentions()) {
              if (m.kind() == v1::MENTION_RECTIFICATION) {
                absl::Status s = ApplyRectifications(m, *a.mutable_current_birth());
                if (!s.ok()) {
                  item->rejection = s;
                  item->outcome = v1::REJECTED_RECORD;
                }
              }
              if (m.kind() == v1::MENTION_DEATH) a.set_deceased(true);
            }
            a.set_idcs(idcs_source_());
          } else {
            *a.mutable_death() = r.death();
            *a.mutable_current_death() = r.death();
            a.set_idcs(r.death().deceased_idcs());
          }
        }
        std::erase_if(fresh, [](Item* i) { return i->outcome == v1::REJECTED_RECORD; });
        // Claim the births' IDCS; one assigned before (or drawn twice here) is drawn again.
        std::vector<Item*> unclaimed;
        for (Item* item : fresh) {
          if (item->record.has_birth()) unclaimed.push_back(item);
        }
        for (int draw = 0; !unclaimed.empty(); ++draw) {
          if (draw == 20) return absl::InternalError("could not draw free IDCS");
          std::set<std::string> drawn;
          std::vector<std::string> wanted;
          for (Item* item : unclaimed) {
            while (!drawn.insert(item->act.idcs()).second) item->act.set_idcs(idcs_source_());
            wanted.push_back(item->act.idcs());
          }
          ASSIGN_OR_RETURN(pg::Result claimed, tx.Exec(kClaimIdcs, {pg::TextArray(wanted)}));
          std::set<std::string> got;
          for (int i = 0; i < claimed.rows(); ++i) got.emplace(claimed.Text(i, 0));
          std::vector<Item*> again;
          for (Item* item : unclaimed) {
            if (got.count(item->act.idcs()) > 0) continue;
            item->act.set_idcs(idcs_source_());
            again.push_back(item);
          }
          unclaimed = std::move(again);
        }
        // Insert the acts.
        std::vector<std::string> c_id, c_kind, c_bureau, c_year, c_number, c_territory, c_idcs,
            c_subject, c_father, c_mother, c_event, c_gar, c_far, c_gfr, c_ffr, c_nar, c_nlat,
            c_mar, c_mlat, c_original, c_at, c_words, c_kar, c_klat, c_deceased, c_scan, c_digest,
            all_words;
        std::vector<std::optional<std::string>> c_birth_dates;
        std::vector<std::string> m_id, m_act, m_seq, m_kind, m_doc, m_at;
        for (Item* item : fresh) {
          const v1::HistoricalRecord& r = item->record;
          const v1::Act& a = item->act;
          const v1::PersonName& name =
              r.has_birth() ? a.current_birth().child() : a.current_death().deceased();
          Names names = NormalizedNames(name);
          Names mother;
          std::string birth_date;
          if (r.has_birth()) {
            mother = NormalizedNames(r.birth().mother().name());
            birth_date = DateText(r.birth().birth_date());
          } else if (ToCivilDay(r.death().deceased_birth_date()).has_value()) {
            birth_date = DateText(r.death().deceased_birth_date());
          }
          const absl::Time registered_at = MoroccoMidnight(r.registration_date());
          c_id.push_back(a.id());
          c_kind.push_back(absl::StrCat(static_cast<int>(a.kind())));
          c_bureau.push_back(a.bureau_code());
          c_year.push_back(absl::StrCat(a.year()));
          c_number.push_back(absl::StrCat(a.number()));
          c_territory.push_back(item->territory);
          c_idcs.push_back(r.has_birth() ? a.idcs() : "");
          c_subject.push_back(a.idcs());
          c_father.push_back(r.has_birth() ? r.birth().father().idcs() : "");
          c_mother.push_back(r.has_birth() ? r.birth().mother().idcs() : "");
          c_event.push_back(r.has_birth() ? DateText(r.birth().birth_date())
                                          : DateText(r.death().death_date()));
          c_birth_dates.push_back(birth_date.empty() ? std::nullopt
                                                     : std::optional<std::string>(birth_date));
          c_gar.push_back(name.given_name().ar());
          c_far.push_back(name.family_name().ar());
          c_gfr.push_back(name.given_name().fr());
          c_ffr.push_back(name.family_name().fr());
          c_nar.push_back(names.ar);
          c_nlat.push_back(names.lat);
          c_mar.push_back(mother.ar);
          c_mlat.push_back(mother.lat);
          c_original.push_back(
              pg::ByteaText(r.has_birth() ? Serialize(r.birth()) : Serialize(r.death())));
          c_at.push_back(
              absl::FormatTime("%Y-%m-%d %H:%M:%E6S+00", registered_at, absl::UTCTimeZone()));
          std::vector<std::string> lexemes = NameLexemes(names.ar, names.lat);
          c_words.push_back(absl::StrJoin(lexemes, " "));
          for (const std::string& w : lexemes) {
            if (w.find('_') == std::string::npos && known_words.count(w) == 0) {
              all_words.push_back(w);
            }
          }
          c_kar.push_back(names.key_ar());
          c_klat.push_back(names.key_lat());
          c_deceased.push_back(a.deceased() ? "true" : "false");
          c_scan.push_back(r.scan_reference());
          c_digest.push_back(pg::ByteaText(item->digest));
          for (int i = 0; i < r.mentions_size(); ++i) {
            v1::Mention m = r.mentions(i);
            m.set_id(core::NewUuidV7());
            m.set_sequence(i + 1);
            m.set_created_by(c.principal.subject);
            if (!m.has_create_time()) *m.mutable_create_time() = Timestamp(now);
            m_id.push_back(m.id());
            m_act.push_back(a.id());
            m_seq.push_back(absl::StrCat(m.sequence()));
            m_kind.push_back(absl::StrCat(static_cast<int>(m.kind())));
            m_doc.push_back(pg::ByteaText(Serialize(m)));
            m_at.push_back(absl::FormatTime("%Y-%m-%d %H:%M:%E6S+00", absl::FromUnixMicros(now),
                                            absl::UTCTimeZone()));
          }
        }
        if (!fresh.empty()) {
          ASSIGN_OR_RETURN(
              pg::Result inserted,
              tx.Exec(
                  kInsertActs,
                  {pg::TextArray(c_id),     pg::TextArray(c_kind),    pg::TextArray(c_bureau),
                   pg::TextArray(c_year),   pg::TextArray(c_number),  pg::TextArray(c_territory),
                   pg::TextArray(c_idcs),   pg::TextArray(c_subject), pg::TextArray(c_father),
                   pg::TextArray(c_mother), pg::TextArray(c_event),   pg::TextArray(c_birth_dates),
                   pg::TextArray(c_gar),    pg::TextArray(c_far),     pg::TextArray(c_gfr),
                   pg::TextArray(c_ffr),    pg::TextArray(c_nar),     pg::TextArray(c_nlat),
                   pg::TextArray(c_mar),    pg::TextArray(c_mlat),    pg::TextArray(c_original),
                   pg::TextArray(c_at),     pg::TextArray(c_words),   pg::TextArray(c_kar),
                   pg::TextArray(c_klat),   c.principal.subject,      pg::TextArray(c_deceased),
                   pg::TextArray(c_scan),   pg::TextArray(c_digest)}));
          if (inserted.rows() != static_cast<int>(fresh.size())) {
            return absl::AbortedError("a key of the batch was registered meanwhile");
          }
          if (!all_words.empty()) {
            RETURN_IF_ERROR(tx.Exec(kInsertWords, {pg::TextArray(all_words)}).status());
          }
          if (std::find(c_year.begin(), c_year.end(), absl::StrCat(today.year())) != c_year.end()) {
            RETURN_IF_ERROR(
                tx.Exec(kBumpCounters, {pg::TextArray(c_bureau), pg::TextArray(c_year),
                                        pg::TextArray(c_number), static_cast<int>(today.year())})
                    .status());
          }
          if (!m_id.empty()) {
            RETURN_IF_ERROR(tx.Exec(kInsertMentions, {pg::TextArray(m_id), pg::TextArray(m_act),
                                                      pg::TextArray(m_seq), pg::TextArray(m_kind),
                                                      pg::TextArray(m_doc), pg::TextArray(m_at)})
                                .status());
          }
          // The same person registered before (or earlier in this import)?
          std::vector<std::string> ordinals;
          std::map<int64_t, Item*> by_ordinal;
          for (Item* item : fresh) {
            ordinals.push_back(absl::StrCat(item->ordinal));
            by_ordinal[item->ordinal] = item;
          }
          ASSIGN_OR_RETURN(
              pg::Result similar,
              tx.Exec(kImportDuplicates, {pg::TextArray(c_id), pg::TextArray(ordinals)}));
          for (int i = 0; i < similar.rows(); ++i) {
            Item* item = by_ordinal.at(similar.Int(i, 0));
            if (item->candidates.size() == kMaxCandidates) continue;
            v1::DuplicateCandidate& cand = item->candidates.emplace_back();
            cand.set_act_id(std::string(similar.Text(i, 1)));
            cand.set_act_reference(std::string(similar.Text(i, 2)));
            cand.set_score(similar.Double(i, 3));
          }
        }
        // Events of the new acts, in one statement; a death of a registered person adds the
        // DEATH mention to the birth act, as a live registration does. Deaths of one person in
        // one batch write on one copy of the birth act, so that its mentions number on.
        // The batch is one change of the import: its acts' events and its progress, one audit
        // record in the importer's first territory's chain; the events carry the import's id.
        const std::string chain =
            c.principal.territories.empty() ? kNational : c.principal.territories.front();
        v1::HistoricalImportProgressed progressed;
        service::Change batch_change =
            ChangeOf(ctx, absl::StrCat("imports/", import_id), chain,
                     absl::StrCat("imports/", import_id), progressed, progressed);
        batch_change.request_id = import_id;
        std::vector<events::v1::Event> events;
        std::map<std::string, ActRow*> birth_acts;
        for (Item* item : fresh) {
          const v1::Act& a = item->act;
          v1::ActRegistered registered =
              ActRegisteredOf(a, item->record.has_birth() ? item->record.birth().birth_date()
                                                          : item->record.death().death_date());
          service::Change of_act = batch_change;
          of_act.territory = item->territory;
          events.push_back(recorder_.EventOf(of_act, a.id(), registered));
          if (item->deceased_birth_act.has_value()) {
            ActRow*& birth_act = birth_acts[item->deceased_birth_act->act.id()];
            if (birth_act == nullptr) birth_act = &*item->deceased_birth_act;
            RETURN_IF_ERROR(AddDeathMention(tx, recorder_, ctx, *birth_act, a,
                                            item->record.death().death_date(), now));
          }
        }
        // Rejections and conflicts.
        Counts n{static_cast<int64_t>(batch.size()), 0, 0, 0, 0, 0};
        std::vector<std::string> i_ord, i_line, i_outcome, i_bureau, i_year, i_number, i_kind,
            i_reason, i_field, i_message;
        std::vector<std::optional<std::string>> i_existing, i_digest;
        std::vector<std::string> x_bureau, x_year, x_kind, x_number, x_digest, x_act, x_record;
        std::vector<std::string> d_ord, d_act, d_candidate, d_score, d_bureau;
        for (const Item& item : batch) {
          const bool possible_duplicate = item.outcome == v1::IMPORT_OUTCOME_UNSPECIFIED &&
                                          !item.already_present && !item.candidates.empty();
          if (item.outcome == v1::IMPORT_OUTCOME_UNSPECIFIED) {
            ++n[item.already_present ? 2 : 1];
            if (!possible_duplicate) continue;
            ++n[5];
          } else {
            ++n[item.outcome == v1::CONFLICTING_RECORD ? 3 : 4];
          }
          i_ord.push_back(absl::StrCat(item.ordinal));
          i_line.push_back(absl::StrCat(item.record.line()));
          i_outcome.push_back(absl::StrCat(
              static_cast<int>(possible_duplicate ? v1::POSSIBLE_DUPLICATE_PERSON : item.outcome)));
          i_bureau.push_back(item.key.bureau);
          i_year.push_back(absl::StrCat(item.key.year));
          i_number.push_back(absl::StrCat(item.key.number));
          i_kind.push_back(absl::StrCat(item.key.kind));
          if (possible_duplicate) {
            const v1::DuplicateCandidate& best = item.candidates.front();
            i_reason.push_back("POSSIBLE_DUPLICATE_PERSON");
            i_field.push_back("");
            i_message.push_back(
                absl::StrCat("registered as act ", item.act.reference(),
                             "; looks like the person of act ", best.act_reference(),
                             item.candidates.size() > 1
                                 ? absl::StrCat(" and ", item.candidates.size() - 1, " more")
                                 : std::string()));
            i_existing.push_back(best.act_id());
            i_digest.push_back(std::nullopt);
            for (const v1::DuplicateCandidate& cand : item.candidates) {
              d_ord.push_back(absl::StrCat(item.ordinal));
              d_act.push_back(item.act.id());
              d_candidate.push_back(cand.act_id());
              d_score.push_back(absl::StrCat(cand.score()));
              d_bureau.push_back(item.key.bureau);
            }
          } else if (item.outcome == v1::REJECTED_RECORD) {
            auto [reason, field] = ReasonAndField(item.rejection);
            i_reason.push_back(reason);
            i_field.push_back(field);
            i_message.push_back(std::string(item.rejection.message()));
            i_existing.push_back(std::nullopt);
            i_digest.push_back(std::nullopt);
          } else {
            i_reason.push_back("CONFLICTING_CONTENT");
            i_field.push_back("");
            i_message.push_back(absl::StrCat("act ", item.existing_act_id,
                                             " is registered under this key with other content"));
            i_existing.push_back(item.existing_act_id);
            i_digest.push_back(pg::ByteaText(item.digest));
            x_bureau.push_back(item.key.bureau);
            x_year.push_back(absl::StrCat(item.key.year));
            x_kind.push_back(absl::StrCat(item.key.kind));
            x_number.push_back(absl::StrCat(item.key.number));
            x_digest.push_back(pg::ByteaText(item.digest));
            x_act.push_back(item.existing_act_id);
            x_record.push_back(pg::ByteaText(Serialize(item.record)));
          }
        }
        if (!i_ord.empty()) {
          RETURN_IF_ERROR(
              tx.Exec(kInsertIssues,
                      {import_id, pg::TextArray(i_ord), pg::TextArray(i_line),
                       pg::TextArray(i_outcome), pg::TextArray(i_bureau), pg::TextArray(i_year),
                       pg::TextArray(i_number), pg::TextArray(i_kind), pg::TextArray(i_reason),
                       pg::TextArray(i_field), pg::TextArray(i_message), pg::TextArray(i_existing),
                       pg::TextArray(i_digest)})
                  .status());
        }
        if (!x_bureau.empty()) {
          RETURN_IF_ERROR(
              tx.Exec(kInsertConflicts,
                      {import_id, absl::StrCat(now), pg::TextArray(x_bureau), pg::TextArray(x_year),
                       pg::TextArray(x_kind), pg::TextArray(x_number), pg::TextArray(x_digest),
                       pg::TextArray(x_act), pg::TextArray(x_record)})
                  .status());
        }
        if (!d_ord.empty()) {
          RETURN_IF_ERROR(
              tx.Exec(kInsertDuplicates,
                      {import_id, pg::TextArray(d_ord), pg::TextArray(d_act),
                       pg::TextArray(d_candidate), pg::TextArray(d_score), pg::TextArray(d_bureau)})
                  .status());
        }
        progressed.set_import_id(import_id);
        progressed.set_accepted(n[1]);
        progressed.set_already_present(n[2]);
        progressed.set_conflicting(n[3]);
        progressed.set_rejected(n[4]);
        progressed.set_possible_duplicates(n[5]);
        RETURN_IF_ERROR(recorder_.RecordBatch(tx, batch_change, std::move(events)));
        RETURN_IF_ERROR(tx.Exec(kCountImport, {import_id, n[0], n[1], n[2], n[3], n[4],
                                               absl::StrCat(now), false, n[5]})
                            .status());
        RETURN_IF_ERROR(tx.Commit());
        // Words are never removed from name_words: once committed, later batches skip them.
        if (known_words.size() > kMaxKnownWords) known_words.clear();
        known_words.insert(all_words.begin(), all_words.end());
        return n;
      }();
      if (counted.ok() || counted.status().code() != absl::StatusCode::kAborted || attempt == 3) {
        break;
      }
    }
    return counted;
  };

  // Two stages: while a batch is written (a thread of its own), the next one is read and
  // validated; one batch at a time reaches the database, in stream order.
  std::vector<Item> writing;
  std::future<absl::StatusOr<Counts>> inflight;
  auto settle = [&]() -> absl::Status {
    if (!inflight.valid()) return absl::OkStatus();
    ASSIGN_OR_RETURN(Counts n, inflight.get());
    summary.set_received(summary.received() + n[0]);
    summary.set_accepted(summary.accepted() + n[1]);
    summary.set_already_present(summary.already_present() + n[2]);
    summary.set_conflicting(summary.conflicting() + n[3]);
    summary.set_rejected(summary.rejected() + n[4]);
    summary.set_possible_duplicates(summary.possible_duplicates() + n[5]);
    return absl::OkStatus();
  };
  while (pending.has_value() || more) {
    // Gather a batch.
    batch.clear();
    while (static_cast<int>(batch.size()) < import_options_.batch_size) {
      v1::ImportHistoricalActsRequest next;
      if (pending.has_value()) {
        next = std::move(*pending);
        pending.reset();
      } else if (!more || !(more = stream.Next(&next))) {
        break;
      }
      Item item;
      item.ordinal = ++ordinal;
      item.record = std::move(*next.mutable_record());
      if (item.record.line() == 0) item.record.set_line(item.ordinal);
      batch.push_back(std::move(item));
    }
    for (Item& item : batch) {
      item.key = KeyOf(item.record);
      item.rejection = validate(item);
      if (!item.rejection.ok()) item.outcome = v1::REJECTED_RECORD;
      item.digest = DigestOf(item.record);
    }
    RETURN_IF_ERROR(settle());
    if (batch.empty() || stream.Cancelled()) break;
    writing = std::move(batch);
    batch = std::vector<Item>();
    inflight = std::async(std::launch::async, [&] { return process(writing); });
  }
  RETURN_IF_ERROR(settle());
  if (stream.Cancelled()) {
    return absl::CancelledError(absl::StrCat("import ", import_id, " broke off after ",
                                             summary.received(),
                                             " records; what was committed stays"));
  }
  RETURN_IF_ERROR(
      pool_.Exec(kCountImport, {import_id, 0, 0, 0, 0, 0, absl::StrCat(NowMicros(clock_)), true, 0})
          .status());
  summary.set_finished(true);
  return summary;
}

absl::StatusOr<v1::ImportReport> Registry::GetImportReport(const Caller& c,
                                                           const v1::GetImportReportRequest& r) {
  ASSIGN_OR_RETURN(int size, PageSize(r.page_size()));
  if (!core::IsUuid(r.import_id())) return NotFound("import", r.import_id());
  ASSIGN_OR_RETURN(pg::Result row, pool_.Exec(kGetImport, {r.import_id()}));
  if (row.rows() == 0) return NotFound("import", r.import_id());
  bool allowed = row.Text(0, 0) == c.principal.subject;
  if (!allowed && IsReader(c.principal)) {
    allowed = true;
    for (const std::string& t : pg::ParseTextArray(row.Text(0, 1))) {
      allowed = allowed && auth::CanAccessTerritory(c.principal, t, *referential_);
    }
  }
  if (!allowed) return NotFound("import", r.import_id());
  v1::ImportReport report;
  v1::ImportSummary* s = report.mutable_summary();
  s->set_import_id(r.import_id());
  s->set_received(row.Int(0, 2));
  s->set_accepted(row.Int(0, 3));
  s->set_already_present(row.Int(0, 4));
  s->set_conflicting(row.Int(0, 5));
  s->set_rejected(row.Int(0, 6));
  s->set_finished(row.Bool(0, 7));
  s->set_possible_duplicates(row.Int(0, 8));
  ASSIGN_OR_RETURN(std::string after, core::DecodePageToken(r.page_token()));
  int64_t after_ordinal = 0;
  if (!after.empty() && !absl::SimpleAtoi(after, &after_ordinal)) {
    return core::InvalidArgumentError("page_token", "not a token of this list");
  }
  ASSIGN_OR_RETURN(pg::Result issues,
                   pool_.Exec(kImportIssues, {r.import_id(), after_ordinal, size + 1}));
  std::map<int64_t, v1::ImportIssue*> by_ordinal;
  for (int i = 0; i < issues.rows() && i < size; ++i) {
    v1::ImportIssue* issue = report.add_issues();
    issue->set_line(issues.Int(i, 1));
    issue->set_outcome(static_cast<v1::ImportOutcome>(issues.Int(i, 2)));
    issue->set_bureau_code(std::string(issues.Text(i, 3)));
    issue->set_year(static_cast<int32_t>(issues.Int(i, 4)));
    issue->set_number(static_cast<int32_t>(issues.Int(i, 5)));
    issue->set_kind(static_cast<v1::ActKind>(issues.Int(i, 6)));
    issue->set_reason(std::string(issues.Text(i, 7)));
    issue->set_field(std::string(issues.Text(i, 8)));
    issue->set_message(std::string(issues.Text(i, 9)));
    issue->set_existing_act_id(std::string(issues.Text(i, 10)));
    if (!issues.IsNull(i, 11)) {
      if (!issue->mutable_record()->ParseFromString(issues.Bytes(i, 11))) {
        return absl::DataLossError("a kept-aside record does not parse");
      }
    }
    by_ordinal[issues.Int(i, 0)] = issue;
  }
  // The candidates of the page's possible duplicates.
  if (!by_ordinal.empty()) {
    ASSIGN_OR_RETURN(pg::Result cands,
                     pool_.Exec(kImportDuplicatesPage,
                                {r.import_id(), after_ordinal, by_ordinal.rbegin()->first}));
    for (int i = 0; i < cands.rows(); ++i) {
      auto it = by_ordinal.find(cands.Int(i, 0));
      if (it == by_ordinal.end()) continue;
      it->second->set_act_id(std::string(cands.Text(i, 1)));
      v1::DuplicateCandidate* cand = it->second->add_candidates();
      cand->set_act_id(std::string(cands.Text(i, 2)));
      cand->set_act_reference(std::string(cands.Text(i, 3)));
      cand->set_score(cands.Double(i, 4));
    }
  }
  if (issues.rows() > size) {
    report.set_next_page_token(core::EncodePageToken(absl::StrCat(issues.Int(size - 1, 0))));
  }
  return report;
}

absl::StatusOr<v1::ListPossibleDuplicatesResponse> Registry::ListPossibleDuplicates(
    const Caller& c, const v1::ListPossibleDuplicatesRequest& r) {
  if (!IsReader(c.principal)) return absl::PermissionDeniedError("staff only");
  ASSIGN_OR_RETURN(int size, PageSize(r.page_size()));
  ASSIGN_OR_RETURN(pg::Result bureau, pool_.Exec(sql::kGetBureau, {r.bureau_code()}));
  if (bureau.rows() == 0 ||
      !auth::CanAccessTerritory(c.principal, bureau.Text(0, 3), *referential_)) {
    return NotFound("bureau", r.bureau_code());
  }
  ASSIGN_OR_RETURN(std::string after, core::DecodePageToken(r.page_token()));
  pg::Param after_act = nullptr, after_candidate = nullptr;
  if (!after.empty()) {
    std::vector<std::string> ids = absl::StrSplit(after, ',');
    if (ids.size() != 2 || !core::IsUuid(ids[0]) || !core::IsUuid(ids[1])) {
      return core::InvalidArgumentError("page_token", "not a token of this list");
    }
    after_act = ids[0];
    after_candidate = ids[1];
  }
  ASSIGN_OR_RETURN(pg::Result rows,
                   pool_.Exec(kListPossibleDuplicates, {r.bureau_code(), r.reviewed(), after_act,
                                                        after_candidate, size + 1}));
  v1::ListPossibleDuplicatesResponse out;
  for (int i = 0; i < rows.rows() && i < size; ++i) {
    *out.add_duplicates() = PossibleDuplicateOf(rows, i);
  }
  if (rows.rows() > size) {
    const v1::PossibleDuplicate& last = out.duplicates(size - 1);
    out.set_next_page_token(
        core::EncodePageToken(absl::StrCat(last.act_id(), ",", last.candidate().act_id())));
  }
  return out;
}

absl::StatusOr<v1::PossibleDuplicate> Registry::ReviewPossibleDuplicate(
    const Caller& c, const v1::ReviewPossibleDuplicateRequest& r) {
  ASSIGN_OR_RETURN(std::string role, ActingRole(c.principal, {roles::kCivilOfficer}));
  RETURN_IF_ERROR(CheckRequestId(r.request_id()));
  if (r.decision() != v1::NOT_DUPLICATE && r.decision() != v1::DUPLICATE) {
    return core::InvalidArgumentError("decision", "NOT_DUPLICATE or DUPLICATE");
  }
  if (r.note().size() > 2000) return core::InvalidArgumentError("note", "at most 2000 bytes");
  const std::string pair = absl::StrCat(r.act_id(), " / ", r.candidate_act_id());
  if (!core::IsUuid(r.act_id()) || !core::IsUuid(r.candidate_act_id())) {
    return NotFound("possible duplicate", pair);
  }
  Context ctx{c, role, r.request_id(), "ReviewPossibleDuplicate"};
  return pg::RunIdempotent<v1::PossibleDuplicate>(
      pool_, ctx.method, c.principal.subject, r.request_id(), r,
      [&](pg::Transaction& tx) -> absl::StatusOr<v1::PossibleDuplicate> {
        ASSIGN_OR_RETURN(pg::Result row,
                         tx.Exec(kLockPossibleDuplicate, {r.act_id(), r.candidate_act_id()}));
        if (row.rows() == 0) return NotFound("possible duplicate", pair);
        const std::string territory(row.Text(0, 12));
        if (!auth::CanAccessTerritory(c.principal, territory, *referential_)) {
          return NotFound("possible duplicate", pair);
        }
        v1::PossibleDuplicate p = PossibleDuplicateOf(row, 0);
        if (p.decision() != v1::POTENTIAL_DUPLICATE) {
          return RuleError(absl::StatusCode::kFailedPrecondition, reasons::kAlreadyReviewed, "",
                           absl::StrCat("decided ", v1::DuplicateStatus_Name(p.decision()), " by ",
                                        p.reviewed_by()));
        }
        const int64_t now = NowMicros(clock_);
        RETURN_IF_ERROR(tx.Exec(kDecidePossibleDuplicate,
                                {r.act_id(), r.candidate_act_id(), static_cast<int>(r.decision()),
                                 r.note(), c.principal.subject, absl::StrCat(now)})
                            .status());
        p.set_decision(r.decision());
        p.set_note(r.note());
        p.set_reviewed_by(c.principal.subject);
        *p.mutable_review_time() = Timestamp(now);
        v1::PossibleDuplicateReviewed reviewed;
        reviewed.set_act_id(p.act_id());
        reviewed.set_candidate_act_id(p.candidate().act_id());
        reviewed.set_decision(p.decision());
        reviewed.set_bureau_code(p.bureau_code());
        reviewed.set_territory(territory);
        RETURN_IF_ERROR(recorder_.Record(
            tx, ChangeOf(ctx, ActName(p.act_id()), territory, p.act_id(), reviewed, p)));
        return p;
      });
}

}  // namespace zp::sgec
