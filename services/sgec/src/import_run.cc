#include "services/sgec/src/import_run.h"

#include <future>
#include <set>

#include "absl/strings/escaping.h"
#include "absl/strings/str_join.h"
#include "services/sgec/src/queries.h"
#include "zp/core/files.h"
#include "zp/core/uuid.h"
#include "zp/events/event.h"

namespace zp::sgec::internal {
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
INSERT INTO act_counters (bureau_code, year, kind, last_number)
SELECT b, y, t, max(n) FROM unnest($1::text[], $2::int[], $3::int[], $5::smallint[])
  AS u(b, y, n, t)
WHERE y = $4 GROUP BY b, y, t
ON CONFLICT (bureau_code, year, kind)
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
constexpr pg::Query kCountImport{"sgec_import_count", R"sql(
UPDATE imports SET received = received + $2, accepted = accepted + $3,
  already_present = already_present + $4, conflicting = conflicting + $5,
  rejected = rejected + $6, updated_at = to_timestamp($7::numeric / 1000000), finished = $8,
  possible_duplicates = possible_duplicates + $9
WHERE id = $1::uuid)sql"};

constexpr int kMaxScanReference = 512;
constexpr int kMaxNumber = 10000000;
constexpr int kFirstYear = 1900;
constexpr size_t kMaxKnownWords = 2000000;
constexpr size_t kMaxCandidates = 20;  // per record, the most similar first
constexpr int kWriteAttempts = 4;

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

// The ErrorInfo reason and the offending fields of a rejection (comma-separated).
std::pair<std::string, std::string> ReasonAndField(const absl::Status& s) {
  std::string reason = core::ReasonOf(s).value_or(std::string(absl::StatusCodeToString(s.code())));
  std::vector<std::string> fields;
  for (const auto& v : core::FieldViolationsOf(s)) fields.push_back(v.field);
  return {reason, absl::StrJoin(fields, ",")};
}

absl::Time MoroccoMidnight(const common::v1::Date& d) {
  return absl::FromCivil(absl::CivilDay(d.year(), d.month(), d.day()), MoroccoZone());
}

std::string TimestampText(absl::Time t) {
  return absl::FormatTime("%Y-%m-%d %H:%M:%E6S+00", t, absl::UTCTimeZone());
}

void Add(const ImportRun::Counts& n, v1::ImportSummary& s) {
  s.set_received(s.received() + n.received);
  s.set_accepted(s.accepted() + n.accepted);
  s.set_already_present(s.already_present() + n.already_present);
  s.set_conflicting(s.conflicting() + n.conflicting);
  s.set_rejected(s.rejected() + n.rejected);
  s.set_possible_duplicates(s.possible_duplicates() + n.possible_duplicates);
}

// Columns of a multi-row statement, one text[] parameter each.
class Columns {
 public:
  explicit Columns(size_t n) : columns_(n) {}
  std::vector<std::string>& operator[](size_t i) { return columns_[i]; }
  pg::Param Array(size_t i) const { return pg::TextArray(columns_[i]); }
  bool empty() const { return columns_[0].empty(); }

 private:
  std::vector<std::vector<std::string>> columns_;
};

}  // namespace

ImportRun::ImportRun(RegistryCore& core, const ImportOptions& options, const Caller& caller,
                     std::string role, RecordStream& stream)
    : core_(core),
      options_(options),
      caller_(caller),
      stream_(stream),
      ctx_{caller, std::move(role), "", "ImportHistoricalActs"},
      today_(MoroccoDay(core.clock.Now())) {}

absl::StatusOr<v1::ImportSummary> ImportRun::Run() {
  v1::ImportHistoricalActsRequest first;
  bool more = stream_.Next(&first);
  RETURN_IF_ERROR(Start(first));
  v1::ImportSummary summary;
  summary.set_import_id(import_id_);
  std::optional<v1::ImportHistoricalActsRequest> pending;
  if (more) pending = std::move(first);

  Batch writing;
  std::future<absl::StatusOr<Counts>> inflight;
  auto settle = [&]() -> absl::Status {
    if (!inflight.valid()) return absl::OkStatus();
    ASSIGN_OR_RETURN(Counts n, inflight.get());
    Add(n, summary);
    return absl::OkStatus();
  };
  while (pending.has_value() || more) {
    Batch batch;
    Gather(batch, pending, more);
    for (Item& item : batch) {
      item.rejection = Check(item);
      if (!item.rejection.ok()) item.outcome = v1::REJECTED_RECORD;
    }
    RETURN_IF_ERROR(settle());
    if (batch.empty() || stream_.Cancelled()) break;
    writing = std::move(batch);
    inflight = std::async(std::launch::async, [&] { return Write(writing); });
  }
  RETURN_IF_ERROR(settle());
  if (stream_.Cancelled()) {
    return absl::CancelledError(absl::StrCat("import ", import_id_, " broke off after ",
                                             summary.received(),
                                             " records; what was committed stays"));
  }
  RETURN_IF_ERROR(Finish());
  summary.set_finished(true);
  return summary;
}

absl::Status ImportRun::Start(const v1::ImportHistoricalActsRequest& first) {
  if (!core::IsUuid(first.import_id())) {
    return core::InvalidArgumentError("import_id",
                                      "a UUID chosen by the client, on the first message");
  }
  import_id_ = first.import_id();
  ctx_.request_id = import_id_;
  ASSIGN_OR_RETURN(pg::Result started,
                   core_.pool.Exec(kStartImport, {import_id_, caller_.principal.subject,
                                                  pg::TextArray(caller_.principal.territories),
                                                  absl::StrCat(NowMicros(core_.clock))}));
  if (started.affected() == 0) {
    return core::RuleError(absl::StatusCode::kAlreadyExists, "IMPORT_EXISTS", "import_id",
                           "this import id was used: a rerun takes a new one");
  }
  // The bureaus of the register and their territories (a record names its bureau).
  ASSIGN_OR_RETURN(pg::Result rows, core_.pool.Exec(kAllBureaus));
  for (int i = 0; i < rows.rows(); ++i) {
    bureaus_.emplace(std::string(rows.Text(i, 0)), std::string(rows.Text(i, 1)));
  }
  return absl::OkStatus();
}

void ImportRun::Gather(Batch& batch, std::optional<v1::ImportHistoricalActsRequest>& pending,
                       bool& more) {
  while (static_cast<int>(batch.size()) < options_.batch_size) {
    v1::ImportHistoricalActsRequest next;
    if (pending.has_value()) {
      next = std::move(*pending);
      pending.reset();
    } else if (!more || !(more = stream_.Next(&next))) {
      break;
    }
    Item& item = batch.emplace_back();
    item.ordinal = ++ordinal_;
    item.record = std::move(*next.mutable_record());
    if (item.record.line() == 0) item.record.set_line(item.ordinal);
    const v1::HistoricalRecord& r = item.record;
    item.key = {r.bureau_code(), r.year(), static_cast<int>(r.kind()), r.number()};
    item.digest = DigestOf(r);
  }
}

absl::Status ImportRun::Check(Item& item) const {
  const v1::HistoricalRecord& r = item.record;
  if (!r.parse_error().empty()) {
    return RuleError(absl::StatusCode::kInvalidArgument, "UNPARSABLE_RECORD", "", r.parse_error());
  }
  auto bureau = bureaus_.find(r.bureau_code());
  if (bureau == bureaus_.end() ||
      !auth::CanAccessTerritory(caller_.principal, bureau->second, *core_.referential)) {
    return RuleError(absl::StatusCode::kNotFound, "BUREAU_NOT_FOUND", "bureau_code",
                     "no bureau with this code in your territory");
  }
  item.territory = bureau->second;
  core::Violations v;
  if (r.kind() != v1::BIRTH && r.kind() != v1::DEATH) v.Add("kind", "BIRTH or DEATH");
  if ((r.kind() == v1::BIRTH) != r.has_birth() || (r.kind() == v1::DEATH) != r.has_death()) {
    v.Add(r.kind() == v1::BIRTH ? "birth" : "death", "the content of the record's kind");
  }
  if (r.year() < kFirstYear || r.year() > today_.year()) {
    v.Add("year", absl::StrCat(kFirstYear, " to ", today_.year()));
  }
  if (r.number() < 1 || r.number() > kMaxNumber) v.Add("number", "1 or more");
  std::optional<absl::CivilDay> registered = ToCivilDay(r.registration_date());
  if (!registered.has_value() || *registered > today_) {
    v.Add("registration_date", "a valid date, not in the future");
  } else if (registered->year() != r.year()) {
    v.Add("registration_date", "in the record's year (acts are numbered per year)");
  }
  if (r.scan_reference().size() > kMaxScanReference) v.Add("scan_reference", "too long");
  RETURN_IF_ERROR(v.ToStatus());
  // The declaration's rules, with the registration date for "today".
  RETURN_IF_ERROR(r.has_birth() ? ValidateBirth(r.birth(), *registered, true, *core_.referential)
                                : ValidateDeath(r.death(), *registered, true, *core_.referential));
  // Each mention alone, then against the person's history as the mentions before it tell it.
  v1::Act history;
  if (r.has_birth()) *history.mutable_current_birth() = r.birth();
  for (int i = 0; i < r.mentions_size(); ++i) {
    if (r.kind() != v1::BIRTH) {
      return core::InvalidArgumentError(absl::StrCat("mentions[", i, "]"),
                                        "mentions go on birth acts");
    }
    RETURN_IF_ERROR(ValidateMention(r.mentions(i), today_));
    RETURN_IF_ERROR(CheckMentionInHistory(r.mentions(i), history));
    *history.add_mentions() = r.mentions(i);
  }
  return absl::OkStatus();
}

absl::Status ImportRun::WaitForOutbox() {
  for (;;) {
    ASSIGN_OR_RETURN(pg::Result backlog, core_.pool.Exec(kOutboxBacklog, {options_.outbox_limit}));
    if (backlog.Int(0, 0) < options_.outbox_limit || stream_.Cancelled()) return absl::OkStatus();
    absl::SleepFor(absl::Milliseconds(50));
  }
}

absl::StatusOr<ImportRun::Counts> ImportRun::Write(Batch& batch) {
  RETURN_IF_ERROR(WaitForOutbox());
  absl::StatusOr<Counts> counted;
  for (int attempt = 1;; ++attempt) {
    counted = WriteOnce(batch);
    if (counted.ok() || counted.status().code() != absl::StatusCode::kAborted ||
        attempt == kWriteAttempts) {
      return counted;
    }
  }
}

absl::StatusOr<ImportRun::Counts> ImportRun::WriteOnce(Batch& batch) {
  ASSIGN_OR_RETURN(pg::Transaction tx, pg::Transaction::Begin(core_.pool));
  Writing w{tx, NowMicros(core_.clock), {}, {}};
  RETURN_IF_ERROR(CheckPeople(w, batch));
  RETURN_IF_ERROR(ClassifyKeys(w, batch));
  BuildActs(w, batch);
  RETURN_IF_ERROR(ClaimIdcs(w));
  if (!w.fresh.empty()) {
    RETURN_IF_ERROR(InsertActs(w));
    RETURN_IF_ERROR(FindLookalikes(w));
  }
  // The batch is one change of the import: its acts' events and its progress, one audit record
  // in the importer's first territory's chain; the events carry the import's id.
  const std::string chain =
      caller_.principal.territories.empty() ? kNational : caller_.principal.territories.front();
  const std::string resource = absl::StrCat("imports/", import_id_);
  v1::HistoricalImportProgressed progressed;
  const service::Change batch_change =
      ChangeOf(ctx_, resource, chain, resource, progressed, progressed);
  ASSIGN_OR_RETURN(std::vector<events::v1::Event> events, RecordActs(w, batch_change));
  ASSIGN_OR_RETURN(Counts n, RecordOutcomes(w, batch));
  // RecordProgress.
  progressed.set_import_id(import_id_);
  progressed.set_accepted(n.accepted);
  progressed.set_already_present(n.already_present);
  progressed.set_conflicting(n.conflicting);
  progressed.set_rejected(n.rejected);
  progressed.set_possible_duplicates(n.possible_duplicates);
  RETURN_IF_ERROR(core_.recorder.RecordBatch(tx, batch_change, std::move(events)));
  RETURN_IF_ERROR(
      tx.Exec(kCountImport, {import_id_, n.received, n.accepted, n.already_present, n.conflicting,
                             n.rejected, absl::StrCat(w.now), false, n.possible_duplicates})
          .status());
  RETURN_IF_ERROR(tx.Commit());
  // Words are never removed from name_words: once committed, later batches skip them.
  if (known_words_.size() > kMaxKnownWords) known_words_.clear();
  known_words_.insert(w.new_words.begin(), w.new_words.end());
  return n;
}

absl::Status ImportRun::CheckPeople(Writing& w, Batch& batch) {
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
        ASSIGN_OR_RETURN(auto found, LoadAct(w.tx, sql::kGetBirthActByIdcs, parent->idcs()));
        if (!found.has_value()) {
          s = RuleError(absl::StatusCode::kInvalidArgument, reasons::kParentNotFound,
                        parent == &r.birth().father() ? "birth.father.idcs" : "birth.mother.idcs",
                        "no registered person has this IDCS");
        } else if (parent == &r.birth().father()) {
          s = CheckFamilyName(r.birth(), PersonOf(found->act));
        }
      }
    } else if (!r.death().deceased_idcs().empty()) {
      ASSIGN_OR_RETURN(item.deceased_birth_act,
                       LoadAct(w.tx, sql::kLockBirthActByIdcs, r.death().deceased_idcs()));
      if (!item.deceased_birth_act.has_value()) {
        s = RuleError(absl::StatusCode::kInvalidArgument, reasons::kDeceasedNotFound,
                      "death.deceased_idcs", "no registered person has this IDCS");
      } else {
        s = CheckDeathAfterBirth(r.death(), PersonOf(item.deceased_birth_act->act).birth_date);
      }
    }
    if (!s.ok()) {
      item.rejection = s;
      item.outcome = v1::REJECTED_RECORD;
    }
  }
  return absl::OkStatus();
}

absl::Status ImportRun::ClassifyKeys(Writing& w, Batch& batch) {
  // Keys already registered (identical or conflicting), or repeated within the batch.
  Columns keys(5);
  for (const Item& item : batch) {
    if (item.outcome == v1::REJECTED_RECORD) continue;
    keys[0].push_back(item.key.bureau);
    keys[1].push_back(absl::StrCat(item.key.year));
    keys[2].push_back(absl::StrCat(item.key.kind));
    keys[3].push_back(absl::StrCat(item.key.number));
    keys[4].push_back(absl::StrCat(item.ordinal));
  }
  std::map<int64_t, std::pair<std::string, std::string>> existing;  // ordinal -> act, digest
  if (!keys.empty()) {
    ASSIGN_OR_RETURN(pg::Result found,
                     w.tx.Exec(kExistingKeys, {keys.Array(0), keys.Array(1), keys.Array(2),
                                               keys.Array(3), keys.Array(4)}));
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
  return absl::OkStatus();
}

void ImportRun::BuildActs(Writing& w, Batch& batch) {
  for (Item& item : batch) {
    if (item.outcome != v1::IMPORT_OUTCOME_UNSPECIFIED || item.already_present) continue;
    if (!item.existing_act_id.empty()) continue;
    const v1::HistoricalRecord& r = item.record;
    v1::Act& a = item.act;
    const std::string id = a.id();  // drawn before: a later record of the key may cite it
    a.Clear();
    a.set_id(id);
    a.set_kind(r.kind());
    a.set_bureau_code(r.bureau_code());
    a.set_year(r.year());
    a.set_number(r.number());
    a.set_reference(ActReference(r.bureau_code(), r.year(), r.number()));
    a.set_commune_code(item.territory == kNational ? "" : item.territory);
    a.set_origin(v1::HISTORICAL);
    if (r.has_birth()) {
      *a.mutable_birth() = r.birth();
      *a.mutable_current_birth() = r.birth();
      for (const v1::Mention& m : r.mentions()) {
        if (m.kind() == v1::MENTION_RECTIFICATION) {
          absl::Status s = ApplyRectifications(m, *a.mutable_current_birth());
          if (!s.ok()) {
            item.rejection = s;
            item.outcome = v1::REJECTED_RECORD;
          }
        }
        if (m.kind() == v1::MENTION_DEATH) a.set_deceased(true);
      }
      a.set_idcs(core_.idcs_source());
    } else {
      *a.mutable_death() = r.death();
      *a.mutable_current_death() = r.death();
      a.set_idcs(r.death().deceased_idcs());
    }
    if (item.outcome != v1::REJECTED_RECORD) w.fresh.push_back(&item);
  }
}

absl::Status ImportRun::ClaimIdcs(Writing& w) {
  // One assigned before (or drawn twice here) is drawn again.
  std::vector<Item*> unclaimed;
  for (Item* item : w.fresh) {
    if (item->record.has_birth()) unclaimed.push_back(item);
  }
  for (int draw = 0; !unclaimed.empty(); ++draw) {
    if (draw == 20) return absl::InternalError("could not draw free IDCS");
    std::set<std::string> drawn;
    std::vector<std::string> wanted;
    for (Item* item : unclaimed) {
      while (!drawn.insert(item->act.idcs()).second) item->act.set_idcs(core_.idcs_source());
      wanted.push_back(item->act.idcs());
    }
    ASSIGN_OR_RETURN(pg::Result claimed, w.tx.Exec(kClaimIdcs, {pg::TextArray(wanted)}));
    std::set<std::string> got;
    for (int i = 0; i < claimed.rows(); ++i) got.emplace(claimed.Text(i, 0));
    std::vector<Item*> again;
    for (Item* item : unclaimed) {
      if (got.count(item->act.idcs()) > 0) continue;
      item->act.set_idcs(core_.idcs_source());
      again.push_back(item);
    }
    unclaimed = std::move(again);
  }
  return absl::OkStatus();
}

absl::Status ImportRun::InsertActs(Writing& w) {
  // The columns of kInsertActs ($1-$25, $27-$29) and of kInsertMentions.
  enum {
    kId,
    kKind,
    kBureau,
    kYear,
    kNumber,
    kTerritory,
    kIdcs,
    kSubject,
    kFather,
    kMother,
    kEvent,
    kGivenAr,
    kFamilyAr,
    kGivenFr,
    kFamilyFr,
    kNameAr,
    kNameLat,
    kMotherAr,
    kMotherLat,
    kOriginal,
    kAt,
    kWords,
    kKeyAr,
    kKeyLat,
    kDeceased,
    kScan,
    kDigest,
    kColumns
  };
  Columns c(kColumns);
  std::vector<std::optional<std::string>> birth_dates;
  Columns m(6);
  for (Item* item : w.fresh) {
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
    } else if (item->deceased_birth_act.has_value()) {  // as registered
      birth_date = DateText(item->deceased_birth_act->act.current_birth().birth_date());
    }
    c[kId].push_back(a.id());
    c[kKind].push_back(absl::StrCat(static_cast<int>(a.kind())));
    c[kBureau].push_back(a.bureau_code());
    c[kYear].push_back(absl::StrCat(a.year()));
    c[kNumber].push_back(absl::StrCat(a.number()));
    c[kTerritory].push_back(item->territory);
    c[kIdcs].push_back(r.has_birth() ? a.idcs() : "");
    c[kSubject].push_back(a.idcs());
    c[kFather].push_back(r.has_birth() ? r.birth().father().idcs() : "");
    c[kMother].push_back(r.has_birth() ? r.birth().mother().idcs() : "");
    c[kEvent].push_back(r.has_birth() ? DateText(r.birth().birth_date())
                                      : DateText(r.death().death_date()));
    birth_dates.push_back(birth_date.empty() ? std::nullopt
                                             : std::optional<std::string>(birth_date));
    c[kGivenAr].push_back(name.given_name().ar());
    c[kFamilyAr].push_back(name.family_name().ar());
    c[kGivenFr].push_back(name.given_name().fr());
    c[kFamilyFr].push_back(name.family_name().fr());
    c[kNameAr].push_back(names.ar);
    c[kNameLat].push_back(names.lat);
    c[kMotherAr].push_back(mother.ar);
    c[kMotherLat].push_back(mother.lat);
    c[kOriginal].push_back(
        pg::ByteaText(r.has_birth() ? Serialize(r.birth()) : Serialize(r.death())));
    c[kAt].push_back(TimestampText(MoroccoMidnight(r.registration_date())));
    std::vector<std::string> lexemes = NameLexemes(names.ar, names.lat);
    c[kWords].push_back(absl::StrJoin(lexemes, " "));
    for (const std::string& word : lexemes) {
      if (word.find('_') == std::string::npos && known_words_.count(word) == 0) {
        w.new_words.push_back(word);
      }
    }
    c[kKeyAr].push_back(names.key_ar());
    c[kKeyLat].push_back(names.key_lat());
    c[kDeceased].push_back(a.deceased() ? "true" : "false");
    c[kScan].push_back(r.scan_reference());
    c[kDigest].push_back(pg::ByteaText(item->digest));
    for (int i = 0; i < r.mentions_size(); ++i) {
      v1::Mention mention = r.mentions(i);
      mention.set_id(core::NewUuidV7());
      mention.set_sequence(i + 1);
      mention.set_created_by(caller_.principal.subject);
      if (!mention.has_create_time()) *mention.mutable_create_time() = Timestamp(w.now);
      m[0].push_back(mention.id());
      m[1].push_back(a.id());
      m[2].push_back(absl::StrCat(mention.sequence()));
      m[3].push_back(absl::StrCat(static_cast<int>(mention.kind())));
      m[4].push_back(pg::ByteaText(Serialize(mention)));
      m[5].push_back(TimestampText(absl::FromUnixMicros(w.now)));
    }
  }
  ASSIGN_OR_RETURN(pg::Result inserted,
                   w.tx.Exec(kInsertActs, {c.Array(kId),       c.Array(kKind),
                                           c.Array(kBureau),   c.Array(kYear),
                                           c.Array(kNumber),   c.Array(kTerritory),
                                           c.Array(kIdcs),     c.Array(kSubject),
                                           c.Array(kFather),   c.Array(kMother),
                                           c.Array(kEvent),    pg::TextArray(birth_dates),
                                           c.Array(kGivenAr),  c.Array(kFamilyAr),
                                           c.Array(kGivenFr),  c.Array(kFamilyFr),
                                           c.Array(kNameAr),   c.Array(kNameLat),
                                           c.Array(kMotherAr), c.Array(kMotherLat),
                                           c.Array(kOriginal), c.Array(kAt),
                                           c.Array(kWords),    c.Array(kKeyAr),
                                           c.Array(kKeyLat),   caller_.principal.subject,
                                           c.Array(kDeceased), c.Array(kScan),
                                           c.Array(kDigest)}));
  if (inserted.rows() != static_cast<int>(w.fresh.size())) {
    return absl::AbortedError("a key of the batch was registered meanwhile");
  }
  if (!w.new_words.empty()) {
    RETURN_IF_ERROR(w.tx.Exec(kInsertWords, {pg::TextArray(w.new_words)}).status());
  }
  const std::vector<std::string>& years = c[kYear];
  if (std::find(years.begin(), years.end(), absl::StrCat(today_.year())) != years.end()) {
    RETURN_IF_ERROR(w.tx.Exec(kBumpCounters, {c.Array(kBureau), c.Array(kYear), c.Array(kNumber),
                                              static_cast<int>(today_.year()), c.Array(kKind)})
                        .status());
  }
  if (!m.empty()) {
    RETURN_IF_ERROR(w.tx.Exec(kInsertMentions, {m.Array(0), m.Array(1), m.Array(2), m.Array(3),
                                                m.Array(4), m.Array(5)})
                        .status());
  }
  return absl::OkStatus();
}

absl::Status ImportRun::FindLookalikes(Writing& w) {
  std::vector<std::string> ids, ordinals;
  std::map<int64_t, Item*> by_ordinal;
  for (Item* item : w.fresh) {
    ids.push_back(item->act.id());
    ordinals.push_back(absl::StrCat(item->ordinal));
    by_ordinal[item->ordinal] = item;
  }
  ASSIGN_OR_RETURN(pg::Result similar,
                   w.tx.Exec(kImportDuplicates, {pg::TextArray(ids), pg::TextArray(ordinals)}));
  for (int i = 0; i < similar.rows(); ++i) {
    Item* item = by_ordinal.at(similar.Int(i, 0));
    if (item->candidates.size() == kMaxCandidates) continue;
    v1::DuplicateCandidate& cand = item->candidates.emplace_back();
    cand.set_act_id(std::string(similar.Text(i, 1)));
    cand.set_act_reference(std::string(similar.Text(i, 2)));
    cand.set_score(similar.Double(i, 3));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<events::v1::Event>> ImportRun::RecordActs(
    Writing& w, const service::Change& batch_change) {
  // Events of the new acts, written with the batch's record in one statement; a death of a
  // registered person adds the DEATH mention to the birth act, as a live registration does.
  // Deaths of one person in one batch write on one copy of the birth act, so that its mentions
  // number on.
  std::vector<events::v1::Event> events;
  std::map<std::string, ActRow*> birth_acts;
  for (Item* item : w.fresh) {
    const v1::Act& a = item->act;
    const v1::HistoricalRecord& r = item->record;
    v1::ActRegistered registered =
        ActRegisteredOf(a, r.has_birth() ? r.birth().birth_date() : r.death().death_date());
    service::Change of_act = batch_change;
    of_act.territory = item->territory;
    events.push_back(core_.recorder.EventOf(of_act, a.id(), registered));
    if (item->deceased_birth_act.has_value()) {
      ActRow*& birth_act = birth_acts[item->deceased_birth_act->act.id()];
      if (birth_act == nullptr) birth_act = &*item->deceased_birth_act;
      RETURN_IF_ERROR(AddDeathMention(w.tx, core_.recorder, ctx_, *birth_act, a,
                                      r.death().death_date(), w.now));
    }
  }
  return events;
}

absl::StatusOr<ImportRun::Counts> ImportRun::RecordOutcomes(Writing& w, const Batch& batch) {
  Counts n;
  n.received = static_cast<int64_t>(batch.size());
  // kInsertIssues ($2-$11; $12, $13 may be NULL), kInsertConflicts ($3-$9),
  // kInsertDuplicates ($2-$6).
  Columns issues(10), conflicts(7), duplicates(5);
  std::vector<std::optional<std::string>> existing, digests;
  for (const Item& item : batch) {
    const bool possible_duplicate = item.outcome == v1::IMPORT_OUTCOME_UNSPECIFIED &&
                                    !item.already_present && !item.candidates.empty();
    if (item.outcome == v1::IMPORT_OUTCOME_UNSPECIFIED) {
      ++(item.already_present ? n.already_present : n.accepted);
      if (!possible_duplicate) continue;
      ++n.possible_duplicates;
    } else {
      ++(item.outcome == v1::CONFLICTING_RECORD ? n.conflicting : n.rejected);
    }
    issues[0].push_back(absl::StrCat(item.ordinal));
    issues[1].push_back(absl::StrCat(item.record.line()));
    issues[2].push_back(absl::StrCat(
        static_cast<int>(possible_duplicate ? v1::POSSIBLE_DUPLICATE_PERSON : item.outcome)));
    issues[3].push_back(item.key.bureau);
    issues[4].push_back(absl::StrCat(item.key.year));
    issues[5].push_back(absl::StrCat(item.key.number));
    issues[6].push_back(absl::StrCat(item.key.kind));
    if (possible_duplicate) {
      const v1::DuplicateCandidate& best = item.candidates.front();
      issues[7].push_back("POSSIBLE_DUPLICATE_PERSON");
      issues[8].push_back("");
      issues[9].push_back(absl::StrCat(
          "registered as act ", item.act.reference(), "; looks like the person of act ",
          best.act_reference(),
          item.candidates.size() > 1 ? absl::StrCat(" and ", item.candidates.size() - 1, " more")
                                     : std::string()));
      existing.push_back(best.act_id());
      digests.push_back(std::nullopt);
      for (const v1::DuplicateCandidate& cand : item.candidates) {
        duplicates[0].push_back(absl::StrCat(item.ordinal));
        duplicates[1].push_back(item.act.id());
        duplicates[2].push_back(cand.act_id());
        duplicates[3].push_back(absl::StrCat(cand.score()));
        duplicates[4].push_back(item.key.bureau);
      }
    } else if (item.outcome == v1::REJECTED_RECORD) {
      auto [reason, field] = ReasonAndField(item.rejection);
      issues[7].push_back(reason);
      issues[8].push_back(field);
      issues[9].push_back(std::string(item.rejection.message()));
      existing.push_back(std::nullopt);
      digests.push_back(std::nullopt);
    } else {
      issues[7].push_back("CONFLICTING_CONTENT");
      issues[8].push_back("");
      issues[9].push_back(absl::StrCat("act ", item.existing_act_id,
                                       " is registered under this key with other content"));
      existing.push_back(item.existing_act_id);
      digests.push_back(pg::ByteaText(item.digest));
      conflicts[0].push_back(item.key.bureau);
      conflicts[1].push_back(absl::StrCat(item.key.year));
      conflicts[2].push_back(absl::StrCat(item.key.kind));
      conflicts[3].push_back(absl::StrCat(item.key.number));
      conflicts[4].push_back(pg::ByteaText(item.digest));
      conflicts[5].push_back(item.existing_act_id);
      conflicts[6].push_back(pg::ByteaText(Serialize(item.record)));
    }
  }
  if (!issues.empty()) {
    RETURN_IF_ERROR(
        w.tx.Exec(kInsertIssues, {import_id_, issues.Array(0), issues.Array(1), issues.Array(2),
                                  issues.Array(3), issues.Array(4), issues.Array(5),
                                  issues.Array(6), issues.Array(7), issues.Array(8),
                                  issues.Array(9), pg::TextArray(existing), pg::TextArray(digests)})
            .status());
  }
  if (!conflicts.empty()) {
    RETURN_IF_ERROR(
        w.tx.Exec(kInsertConflicts, {import_id_, absl::StrCat(w.now), conflicts.Array(0),
                                     conflicts.Array(1), conflicts.Array(2), conflicts.Array(3),
                                     conflicts.Array(4), conflicts.Array(5), conflicts.Array(6)})
            .status());
  }
  if (!duplicates.empty()) {
    RETURN_IF_ERROR(w.tx.Exec(kInsertDuplicates,
                              {import_id_, duplicates.Array(0), duplicates.Array(1),
                               duplicates.Array(2), duplicates.Array(3), duplicates.Array(4)})
                        .status());
  }
  return n;
}

absl::Status ImportRun::Finish() {
  return core_.pool
      .Exec(kCountImport,
            {import_id_, 0, 0, 0, 0, 0, absl::StrCat(NowMicros(core_.clock)), true, 0})
      .status();
}

}  // namespace zp::sgec::internal
