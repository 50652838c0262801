#include "services/sgec/src/historical_import.h"

#include <map>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "services/sgec/src/import_run.h"
#include "zp/pg/idempotency.h"
#include "zp/sgec/v1/events.pb.h"

namespace zp::sgec {
using namespace internal;  // NOLINT: the registry's own helpers

namespace {

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

}  // namespace

absl::StatusOr<v1::ImportSummary> HistoricalImport::ImportHistoricalActs(const Caller& c,
                                                                         RecordStream& stream) {
  ASSIGN_OR_RETURN(std::string role, ActingRole(c.principal, {roles::kCivilOfficer, roles::kDgct}));
  ImportRun run(core_, options_, c, std::move(role), stream);
  return run.Run();
}

absl::StatusOr<v1::ImportReport> HistoricalImport::GetImportReport(
    const Caller& c, const v1::GetImportReportRequest& r) {
  ASSIGN_OR_RETURN(int size, PageSize(r.page_size()));
  if (!core::IsUuid(r.import_id())) return NotFound("import", r.import_id());
  ASSIGN_OR_RETURN(pg::Result row, core_.pool.Exec(kGetImport, {r.import_id()}));
  if (row.rows() == 0) return NotFound("import", r.import_id());
  bool allowed = row.Text(0, 0) == c.principal.subject;
  if (!allowed && IsReader(c.principal)) {
    allowed = true;
    for (const std::string& t : pg::ParseTextArray(row.Text(0, 1))) {
      allowed = allowed && auth::CanAccessTerritory(c.principal, t, *core_.referential);
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
                   core_.pool.Exec(kImportIssues, {r.import_id(), after_ordinal, size + 1}));
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
                     core_.pool.Exec(kImportDuplicatesPage,
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

absl::StatusOr<v1::ListPossibleDuplicatesResponse> HistoricalImport::ListPossibleDuplicates(
    const Caller& c, const v1::ListPossibleDuplicatesRequest& r) {
  if (!IsReader(c.principal)) return absl::PermissionDeniedError("staff only");
  ASSIGN_OR_RETURN(int size, PageSize(r.page_size()));
  RETURN_IF_ERROR(
      BureauTerritory(core_.pool, c.principal, *core_.referential, r.bureau_code()).status());
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
  ASSIGN_OR_RETURN(pg::Result rows, core_.pool.Exec(kListPossibleDuplicates,
                                                    {r.bureau_code(), r.reviewed(), after_act,
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

absl::StatusOr<v1::PossibleDuplicate> HistoricalImport::ReviewPossibleDuplicate(
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
      core_.pool, ctx.method, c.principal.subject, r.request_id(), r,
      [&](pg::Transaction& tx) -> absl::StatusOr<v1::PossibleDuplicate> {
        ASSIGN_OR_RETURN(pg::Result row,
                         tx.Exec(kLockPossibleDuplicate, {r.act_id(), r.candidate_act_id()}));
        if (row.rows() == 0) return NotFound("possible duplicate", pair);
        const std::string territory(row.Text(0, 12));
        if (!auth::CanAccessTerritory(c.principal, territory, *core_.referential)) {
          return NotFound("possible duplicate", pair);
        }
        v1::PossibleDuplicate p = PossibleDuplicateOf(row, 0);
        if (p.decision() != v1::POTENTIAL_DUPLICATE) {
          return RuleError(absl::StatusCode::kFailedPrecondition, reasons::kAlreadyReviewed, "",
                           absl::StrCat("decided ", v1::DuplicateStatus_Name(p.decision()), " by ",
                                        p.reviewed_by()));
        }
        const int64_t now = NowMicros(core_.clock);
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
        RETURN_IF_ERROR(core_.recorder.Record(
            tx, ChangeOf(ctx, ActName(p.act_id()), territory, p.act_id(), reviewed, p)));
        return p;
      });
}

}  // namespace zp::sgec
