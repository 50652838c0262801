// The historical-records import against a real PostgreSQL: the exact summary of a file with
// valid, duplicate, conflicting and invalid records; a rerun that changes nothing; a stream broken
// off halfway and rerun; persons registered twice listed for review; the outbox kept bounded
// while the relay publishes to devkafka.
#include <algorithm>
#include <atomic>
#include <thread>

#include "catch2/catch.hpp"
#include "services/sgec/src/idcs.h"
#include "services/sgec/src/rules.h"
#include "tests/integration/sgec_fixture.h"
#include "tests/support/historical_records.h"
#include "tests/support/test_env.h"
#include "zp/events/relay.h"

namespace zp::sgec {
namespace {

using namespace fixture;  // NOLINT: the fixture and its helpers
using zp::testing::HistoricalBirth;
using zp::testing::HistoricalDeath;

// The records of a file, as a stream; `break_after` records, it breaks off (the client vanished).
class VectorStream final : public RecordStream {
 public:
  VectorStream(std::vector<v1::HistoricalRecord> records, std::string import_id,
               int break_after = -1)
      : records_(std::move(records)), import_id_(std::move(import_id)), break_after_(break_after) {}
  bool Next(v1::ImportHistoricalActsRequest* request) override {
    if (broken() || next_ >= records_.size()) return false;
    request->Clear();
    if (next_ == 0) request->set_import_id(import_id_);
    *request->mutable_record() = records_[next_++];
    request->mutable_record()->set_line(static_cast<int64_t>(next_));
    return true;
  }
  bool Cancelled() const override { return broken(); }

 private:
  bool broken() const { return break_after_ >= 0 && static_cast<int>(next_) >= break_after_; }
  std::vector<v1::HistoricalRecord> records_;
  std::string import_id_;
  int break_after_;
  size_t next_ = 0;
};

absl::StatusOr<v1::ImportSummary> Import(SgecFixture& f,
                                         const std::vector<v1::HistoricalRecord>& file,
                                         const Caller& who, int break_after = -1) {
  VectorStream stream(file, core::NewUuidV7(), break_after);
  return f.registry().ImportHistoricalActs(who, stream);
}

// 20 births and 2 deaths of 1985 in Assilah, then: an identical copy of line 3 (already present),
// line 5's key with another content (conflict), and one record for each kind of rejection.
std::vector<v1::HistoricalRecord> MixedFile() {
  std::vector<v1::HistoricalRecord> file;
  for (int i = 1; i <= 20; ++i) file.push_back(HistoricalBirth(kAssilah, 1985, i, 100 + i));
  file.push_back(HistoricalDeath(kAssilah, 1985, 1, 900));  // deaths are numbered apart
  file.push_back(HistoricalDeath(kAssilah, 1985, 2, 901));
  file.push_back(file[2]);                  // line 23: already present
  v1::HistoricalRecord conflict = file[4];  // line 24: conflict
  conflict.mutable_birth()->mutable_birth_date()->set_day(conflict.birth().birth_date().day() + 1);
  file.push_back(conflict);
  v1::HistoricalRecord r = HistoricalBirth(kAssilah, 1985, 30, 130);  // 25: Latin in Arabic field
  r.mutable_birth()->mutable_child()->mutable_given_name()->set_ar("Omar");
  file.push_back(r);
  r = HistoricalBirth("99.999.99.99", 1985, 31, 131);  // 26: no such bureau
  file.push_back(r);
  r = HistoricalBirth(kCasablanca, 1985, 32, 132);  // 27: a bureau outside the importer's territory
  file.push_back(r);
  r = HistoricalBirth(kAssilah, 1985, 33, 133);  // 28: registered in another year than its number
  r.mutable_registration_date()->set_year(1986);
  file.push_back(r);
  r = HistoricalBirth(kAssilah, 1985, 34, 134);  // 29: a father's IDCS that nobody has
  r.mutable_birth()->mutable_father()->set_idcs(NewIdcs());
  file.push_back(r);
  r = v1::HistoricalRecord();  // 30: a line that did not parse
  r.set_parse_error("line 30: Expected : between key:value pair.");
  file.push_back(r);
  r = HistoricalBirth(kAssilah, 1985, 35, 135);  // 31: a death's content on a birth
  r.clear_birth();
  *r.mutable_death() = HistoricalDeath(kAssilah, 1985, 35, 135).death();
  file.push_back(r);
  return file;
}

TEST_CASE("sgec import: a file with valid, duplicate, conflicting and invalid records",
          "[integration][sgec][import]") {
  SgecFixture f;
  f.registry().set_import_options({/*batch_size=*/7, /*outbox_limit=*/100000});
  const Caller officer = f.Officer();
  auto summary = Import(f, MixedFile(), officer);
  INFO(summary.status().ToString());
  REQUIRE(summary.ok());
  CHECK(summary->received() == 31);
  CHECK(summary->accepted() == 22);
  CHECK(summary->already_present() == 1);
  CHECK(summary->conflicting() == 1);
  CHECK(summary->rejected() == 7);
  CHECK(summary->finished());

  // The acts: REGISTERED with origin HISTORICAL, births with a valid IDCS, keys once each.
  CHECK(f.Count("SELECT count(*) FROM acts WHERE origin = 2") == 22);
  CHECK(f.Count("SELECT count(DISTINCT idcs) FROM acts WHERE kind = 1 AND idcs IS NOT NULL") == 20);
  auto idcs = f.Sql("SELECT idcs FROM acts WHERE kind = 1");
  REQUIRE(idcs.ok());
  for (int i = 0; i < idcs->rows(); ++i) CHECK(IsValidIdcs(idcs->Text(i, 0)));
  CHECK(f.Count("SELECT count(*) FROM acts WHERE year = 1985 AND number = 1") ==
        2);  // birth, death
  // Past years' registers leave the live numbering (of the current year) alone.
  CHECK(f.Count("SELECT count(*) FROM act_counters") == 0);
  // An event per act, in the outbox.
  CHECK(f.Count("SELECT count(*) FROM outbox WHERE event_type = 'zp.sgec.v1.ActRegistered'") == 22);

  // Every rejection and the conflict, with reasons, fields and lines.
  v1::GetImportReportRequest get;
  get.set_import_id(summary->import_id());
  get.set_page_size(5);
  std::vector<v1::ImportIssue> issues;
  for (;;) {
    auto page = f.registry().GetImportReport(officer, get);
    REQUIRE(page.ok());
    CHECK(page->summary().accepted() == 22);
    for (const auto& issue : page->issues()) issues.push_back(issue);
    if (page->next_page_token().empty()) break;
    get.set_page_token(page->next_page_token());
  }
  REQUIRE(issues.size() == 8);
  auto issue_at = [&](int64_t line) {
    auto it = std::find_if(issues.begin(), issues.end(),
                           [&](const v1::ImportIssue& i) { return i.line() == line; });
    REQUIRE(it != issues.end());
    return *it;
  };
  v1::ImportIssue conflict = issue_at(24);
  CHECK(conflict.outcome() == v1::CONFLICTING_RECORD);
  CHECK(conflict.reason() == "CONFLICTING_CONTENT");
  CHECK(conflict.number() == 5);
  CHECK_FALSE(conflict.existing_act_id().empty());
  CHECK(conflict.record().birth().birth_date().day() == MixedFile()[23].birth().birth_date().day());
  CHECK(issue_at(25).field() == "birth.child.given_name.ar");
  CHECK(issue_at(26).reason() == "BUREAU_NOT_FOUND");
  CHECK(issue_at(27).reason() == "BUREAU_NOT_FOUND");
  CHECK(issue_at(28).field() == "registration_date");
  CHECK(issue_at(29).reason() == reasons::kParentNotFound);
  CHECK(issue_at(29).field() == "birth.father.idcs");
  CHECK(issue_at(30).reason() == "UNPARSABLE_RECORD");
  CHECK(issue_at(31).field() == "birth");
  for (int64_t line : {25, 26, 27, 28, 29, 30, 31})
    CHECK(issue_at(line).outcome() == v1::REJECTED_RECORD);

  // The conflicting record is kept aside, the registered act unchanged.
  CHECK(f.Count("SELECT count(*) FROM import_conflicts") == 1);
  v1::GetActRequest get_act;
  get_act.set_id(conflict.existing_act_id());
  auto act = f.registry().GetAct(officer, get_act);
  REQUIRE(act.ok());
  CHECK(act->origin() == v1::HISTORICAL);
  CHECK(act->birth().birth_date().day() == MixedFile()[4].birth().birth_date().day());
  CHECK(act->scan_reference() == MixedFile()[4].scan_reference());
  CHECK(act->declaration_id().empty());

  // Imported acts are found like the others.
  v1::SearchActsRequest search;
  search.mutable_names()->set_text(MixedFile()[0].birth().child().given_name().fr() + " " +
                                   MixedFile()[0].birth().child().family_name().fr());
  auto found = f.registry().SearchActs(officer, search);
  REQUIRE(found.ok());
  REQUIRE(found->results_size() >= 1);
  CHECK(found->results(0).reference() == "01.511.01.01/1985/1");

  // Another territory's staff do not see the report; a civil agent may not import.
  CHECK(f.registry().GetImportReport(f.Officer(kCasablanca), get).status().code() ==
        absl::StatusCode::kNotFound);
  CHECK(Import(f, MixedFile(), f.Agent()).status().code() == absl::StatusCode::kPermissionDenied);
}

TEST_CASE("sgec import: rerunning the same file changes nothing and says so",
          "[integration][sgec][import]") {
  SgecFixture f;
  f.registry().set_import_options({/*batch_size=*/10, /*outbox_limit=*/100000});
  REQUIRE(Import(f, MixedFile(), f.Officer()).ok());
  const int64_t acts = f.Count("SELECT count(*) FROM acts");
  const int64_t registered =
      f.Count("SELECT count(*) FROM outbox WHERE event_type = 'zp.sgec.v1.ActRegistered'");
  const int64_t idcs = f.Count("SELECT count(*) FROM idcs_registry");

  auto rerun = Import(f, MixedFile(), f.Officer());
  REQUIRE(rerun.ok());
  CHECK(rerun->received() == 31);
  CHECK(rerun->accepted() == 0);
  CHECK(rerun->already_present() == 23);  // the 22 acts and the copy of line 3
  CHECK(rerun->conflicting() == 1);
  CHECK(rerun->rejected() == 7);
  CHECK(f.Count("SELECT count(*) FROM acts") == acts);
  CHECK(f.Count("SELECT count(*) FROM outbox WHERE event_type = 'zp.sgec.v1.ActRegistered'") ==
        registered);
  CHECK(f.Count("SELECT count(*) FROM idcs_registry") == idcs);
  CHECK(f.Count("SELECT count(*) FROM import_conflicts") == 1);  // kept aside once
}

TEST_CASE("sgec import: a stream broken off halfway loses nothing, the rerun completes it",
          "[integration][sgec][import]") {
  SgecFixture f;
  f.registry().set_import_options({/*batch_size=*/10, /*outbox_limit=*/100000});
  std::vector<v1::HistoricalRecord> file;
  for (int i = 1; i <= 95; ++i) file.push_back(HistoricalBirth(kAssilah, 1990, i, 5000 + i));
  file.push_back(file[7]);  // a duplicate, to be reported as already present

  auto broken = Import(f, file, f.Officer(), /*break_after=*/47);
  CHECK(broken.status().code() == absl::StatusCode::kCancelled);
  const int64_t committed = f.Count("SELECT count(*) FROM acts");
  CHECK(committed == 40);  // four whole batches; the fifth was still being read
  CHECK(f.Count("SELECT count(*) FROM imports WHERE NOT finished") == 1);

  auto rerun = Import(f, file, f.Officer());
  REQUIRE(rerun.ok());
  CHECK(rerun->accepted() == 95 - committed);
  CHECK(rerun->already_present() == committed + 1);
  CHECK(f.Count("SELECT count(*) FROM acts") == 95);
  CHECK(f.Count("SELECT count(DISTINCT (bureau_code, year, kind, number)) FROM acts") == 95);
  CHECK(f.Count("SELECT count(*) FROM outbox WHERE event_type = 'zp.sgec.v1.ActRegistered'") == 95);
}

TEST_CASE("sgec import: the live register of the current year continues after its paper acts",
          "[integration][sgec][import]") {
  SgecFixture f;  // today: 2026-06-15
  std::vector<v1::HistoricalRecord> file;
  for (int i = 1; i <= 2; ++i) {
    v1::HistoricalRecord r = HistoricalBirth(kAssilah, 2026, i, 7000 + i);
    r.mutable_birth()->mutable_birth_date()->set_month(1);
    r.mutable_registration_date()->set_month(1);
    file.push_back(r);
  }
  auto summary = Import(f, file, f.Officer());
  REQUIRE(summary.ok());
  REQUIRE(summary->accepted() == 2);
  v1::Act live = f.Registered(f.BirthOf(1));
  CHECK(live.year() == 2026);
  CHECK(live.number() == 3);
  CHECK(live.origin() == v1::LIVE);
}

TEST_CASE(
    "sgec import: a person registered before is listed as a possible duplicate, the act stands",
    "[integration][sgec][import]") {
  SgecFixture f;
  f.registry().set_import_options({/*batch_size=*/50, /*outbox_limit=*/100000});
  const Caller officer = f.Officer();
  // Registered before: a 1985 register, and a live birth of this year.
  REQUIRE(Import(f,
                 {HistoricalBirth(kAssilah, 1985, 1, 500), HistoricalBirth(kAssilah, 1985, 2, 501)},
                 officer)
              ->accepted() == 2);
  v1::Act live = f.Registered(f.BirthOf(1));

  std::vector<v1::HistoricalRecord> file;
  // Line 1: person 500 again, in another register, one letter of the Latin given name changed.
  v1::HistoricalRecord again = HistoricalBirth(kTanger, 1985, 7, 500);
  std::string given = again.birth().child().given_name().fr();
  given.back() = given.back() == 'a' ? 'e' : 'a';
  again.mutable_birth()->mutable_child()->mutable_given_name()->set_fr(given);
  file.push_back(again);
  // Line 2: the same names and birth date as person 501, another mother: someone else.
  v1::HistoricalRecord other = HistoricalBirth(kTanger, 1985, 8, 501);
  zp::testing::RegisterName(other.mutable_birth()->mutable_mother()->mutable_name(), 3333, 133333);
  file.push_back(other);
  // Line 3: the live act's child, taken in from a paper register of this year.
  v1::HistoricalRecord paper;
  paper.set_bureau_code(kTanger);
  paper.set_year(2026);
  paper.set_number(90);
  paper.set_kind(v1::BIRTH);
  *paper.mutable_birth() = live.birth();
  paper.mutable_birth()->mutable_place()->set_commune_code(kTanger);
  *paper.mutable_registration_date() = live.birth().birth_date();
  file.push_back(paper);
  // Lines 4 and 5: one death (of person 501, by IDCS) in two registers; line 6: a stranger's.
  const std::string idcs_501 = std::string(
      f.Sql("SELECT idcs FROM acts WHERE year = 1985 AND number = 2 AND kind = 1")->Text(0, 0));
  for (int number : {1, 2}) {
    v1::HistoricalRecord death =
        HistoricalDeath(number == 1 ? kAssilah : kTanger, 2001, number, 501);
    death.mutable_death()->set_deceased_idcs(idcs_501);
    file.push_back(death);
  }
  file.push_back(HistoricalDeath(kAssilah, 2001, 3, 777));

  Caller importer = f.Officer();
  importer.principal.territories = {kAssilah, kTanger};
  auto summary = Import(f, file, importer);
  INFO(summary.status().ToString());
  REQUIRE(summary.ok());
  CHECK(summary->accepted() == 6);  // every act stands: a paper act is a legal fact
  CHECK(summary->possible_duplicates() == 3);
  CHECK(f.Count("SELECT count(*) FROM acts WHERE origin = 2") == 8);

  v1::GetImportReportRequest get;
  get.set_import_id(summary->import_id());
  auto report = f.registry().GetImportReport(importer, get);
  REQUIRE(report.ok());
  CHECK(report->summary().possible_duplicates() == 3);
  REQUIRE(report->issues_size() == 3);
  auto act_of = [&](const std::string& bureau, int year, int kind, int number) {
    return std::string(f.Sql("SELECT id::text FROM acts WHERE bureau_code = '" + bureau +
                             "' AND year = " + std::to_string(year) + " AND kind = " +
                             std::to_string(kind) + " AND number = " + std::to_string(number))
                           ->Text(0, 0));
  };
  const v1::ImportIssue& first = report->issues(0);
  CHECK(first.line() == 1);
  CHECK(first.outcome() == v1::POSSIBLE_DUPLICATE_PERSON);
  CHECK(first.reason() == "POSSIBLE_DUPLICATE_PERSON");
  CHECK(first.act_id() == act_of(kTanger, 1985, 1, 7));
  REQUIRE(first.candidates_size() == 1);
  CHECK(first.candidates(0).act_id() == act_of(kAssilah, 1985, 1, 1));
  CHECK(first.candidates(0).act_reference() == "01.511.01.01/1985/1");
  CHECK(first.candidates(0).score() >= 0.6);
  CHECK(first.existing_act_id() == first.candidates(0).act_id());
  CHECK(first.message().find("01.511.01.01/1985/1") != std::string::npos);

  const v1::ImportIssue& third = report->issues(1);
  CHECK(third.line() == 3);
  CHECK(third.act_id() == act_of(kTanger, 2026, 1, 90));
  REQUIRE(third.candidates_size() == 1);
  CHECK(third.candidates(0).act_id() == live.id());
  CHECK(third.candidates(0).score() == 1.0);

  // The two records of one death: listed once, on the later one.
  const v1::ImportIssue& death = report->issues(2);
  CHECK(death.line() == 5);
  CHECK(death.kind() == v1::DEATH);
  CHECK(death.act_id() == act_of(kTanger, 2001, 2, 2));
  REQUIRE(death.candidates_size() == 1);
  CHECK(death.candidates(0).act_id() == act_of(kAssilah, 2001, 2, 1));
  CHECK(f.Count("SELECT count(*) FROM import_duplicates") == 3);
  CHECK(f.Count("SELECT count(*) FROM outbox WHERE event_type = 'zp.sgec.v1.ActRegistered'") ==
        2 + 1 + 6);
  // Both deaths, in one batch, are mentioned on the birth act, numbered on.
  CHECK(f.Count("SELECT count(*) FROM mentions m JOIN acts a ON a.id = m.act_id WHERE a.idcs = '" +
                idcs_501 + "' AND m.kind = " + std::to_string(v1::MENTION_DEATH) +
                " AND m.sequence IN (1, 2)") == 2);

  // A rerun registers nothing and lists nothing again.
  auto rerun = Import(f, file, importer);
  REQUIRE(rerun.ok());
  CHECK(rerun->already_present() == 6);
  CHECK(rerun->possible_duplicates() == 0);
  CHECK(f.Count("SELECT count(*) FROM import_duplicates") == 3);

  // The review queue of the bureau of Tanger: the three pairs, by act, a page at a time.
  const Caller tanger = f.Officer(kTanger);
  v1::ListPossibleDuplicatesRequest list;
  list.set_bureau_code(kTanger);
  list.set_page_size(2);
  std::vector<v1::PossibleDuplicate> open;
  for (;;) {
    auto page = f.registry().ListPossibleDuplicates(tanger, list);
    INFO(page.status().ToString());
    REQUIRE(page.ok());
    for (const auto& p : page->duplicates()) open.push_back(p);
    if (page->next_page_token().empty()) break;
    list.set_page_token(page->next_page_token());
  }
  REQUIRE(open.size() == 3);
  CHECK(open[0].act_id() == first.act_id());
  CHECK(open[0].candidate().act_id() == first.candidates(0).act_id());
  CHECK(open[0].candidate().act_reference() == "01.511.01.01/1985/1");
  CHECK(open[0].import_id() == summary->import_id());
  CHECK(open[0].import_line() == 1);
  CHECK(open[0].decision() == v1::POTENTIAL_DUPLICATE);
  CHECK_FALSE(open[0].has_review_time());
  // Assilah's bureau has none of them; another province's staff do not see Tanger's.
  list.set_bureau_code(kAssilah);
  list.clear_page_token();
  CHECK(f.registry().ListPossibleDuplicates(f.Officer(), list)->duplicates_size() == 0);
  list.set_bureau_code(kTanger);
  CHECK(f.registry().ListPossibleDuplicates(f.Officer(kCasablanca), list).status().code() ==
        absl::StatusCode::kNotFound);

  // Decided once, by a civil_officer of the act's territory.
  v1::ReviewPossibleDuplicateRequest review;
  review.set_request_id(core::NewUuidV7());
  review.set_act_id(first.act_id());
  review.set_candidate_act_id(first.candidates(0).act_id());
  review.set_decision(v1::NO_MATCH);
  auto refused = f.registry().ReviewPossibleDuplicate(tanger, review);
  CHECK(refused.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(core::FieldViolationsOf(refused.status()).at(0).field == "decision");
  review.set_decision(v1::DUPLICATE);
  review.set_note("the same child, transcribed twice; referred to the prosecutor");
  CHECK(f.registry().ReviewPossibleDuplicate(f.Officer(kCasablanca), review).status().code() ==
        absl::StatusCode::kNotFound);
  CHECK(f.registry().ReviewPossibleDuplicate(f.Agent(), review).status().code() ==
        absl::StatusCode::kPermissionDenied);
  const int64_t audited = f.Count("SELECT count(*) FROM audit_log");
  auto decided = f.registry().ReviewPossibleDuplicate(tanger, review);
  INFO(decided.status().ToString());
  REQUIRE(decided.ok());
  CHECK(decided->decision() == v1::DUPLICATE);
  CHECK(decided->reviewed_by() == tanger.principal.subject);
  CHECK(decided->has_review_time());
  CHECK(f.Count("SELECT count(*) FROM audit_log") == audited + 1);
  CHECK(f.Count("SELECT count(*) FROM outbox WHERE event_type = "
                "'zp.sgec.v1.PossibleDuplicateReviewed'") == 1);
  // A retry answers the same; another decision on the pair is refused.
  auto retried = f.registry().ReviewPossibleDuplicate(tanger, review);
  REQUIRE(retried.ok());
  CHECK(retried->review_time().seconds() == decided->review_time().seconds());
  CHECK(f.Count("SELECT count(*) FROM outbox WHERE event_type = "
                "'zp.sgec.v1.PossibleDuplicateReviewed'") == 1);
  review.set_request_id(core::NewUuidV7());
  review.set_decision(v1::NOT_DUPLICATE);
  auto again_decided = f.registry().ReviewPossibleDuplicate(tanger, review);
  CHECK(again_decided.status().code() == absl::StatusCode::kFailedPrecondition);
  CHECK(Reason(again_decided.status()) == reasons::kAlreadyReviewed);
  // The pair left the queue for the decided list.
  list.clear_page_token();
  list.set_page_size(10);
  CHECK(f.registry().ListPossibleDuplicates(tanger, list)->duplicates_size() == 2);
  list.set_reviewed(true);
  auto done = f.registry().ListPossibleDuplicates(tanger, list);
  REQUIRE(done.ok());
  REQUIRE(done->duplicates_size() == 1);
  CHECK(done->duplicates(0).decision() == v1::DUPLICATE);
  CHECK(done->duplicates(0).note() == review.note());
  // Unknown pairs and malformed tokens.
  review.set_request_id(core::NewUuidV7());
  review.set_candidate_act_id(live.id());
  CHECK(f.registry().ReviewPossibleDuplicate(tanger, review).status().code() ==
        absl::StatusCode::kNotFound);
  list.set_page_token("bm90LWEtdG9rZW4");
  CHECK(f.registry().ListPossibleDuplicates(tanger, list).status().code() ==
        absl::StatusCode::kInvalidArgument);
}

TEST_CASE("sgec import: the outbox stays bounded while the relay publishes",
          "[integration][sgec][import]") {
  SgecFixture f;
  constexpr int kLimit = 60;
  constexpr int kBatch = 20;
  f.registry().set_import_options({kBatch, kLimit});
  events::RelayOptions options;
  options.conninfo = f.db().server_url();
  options.overrides = f.db().overrides();
  options.bootstrap_servers = zp::testing::KafkaBootstrap();
  options.batch_size = 25;
  options.poll_interval = absl::Milliseconds(50);
  events::OutboxRelay relay(options);
  relay.Start();

  std::vector<v1::HistoricalRecord> file;
  for (int i = 1; i <= 400; ++i) file.push_back(HistoricalBirth(kAssilah, 1995, i, 8000 + i));
  std::atomic<bool> done{false};
  std::atomic<int64_t> peak{0};
  std::thread watch([&] {
    while (!done.load()) {
      const int64_t n = f.Count("SELECT count(*) FROM outbox");
      peak.store(std::max(peak.load(), n));
      absl::SleepFor(absl::Milliseconds(5));
    }
  });
  auto summary = Import(f, file, f.Officer());
  done.store(true);
  watch.join();
  REQUIRE(summary.ok());
  CHECK(summary->accepted() == 400);
  // Never more than the limit plus one batch's events (its acts and its progress event).
  CHECK(peak.load() <= kLimit + kBatch + 1);
  CHECK(peak.load() > 0);
  REQUIRE(zp::testing::Eventually([&] { return f.Count("SELECT count(*) FROM outbox") == 0; },
                                  absl::Seconds(30)));
  relay.Stop();
}

}  // namespace
}  // namespace zp::sgec
