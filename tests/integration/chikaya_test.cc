// CHIKAYA against a real PostgreSQL: submissions, every transition by role, redirect, reopen,
// ratings, anonymous tracking, territory isolation.
#include <map>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "catch2/catch.hpp"
#include "services/chikaya/src/desk.h"
#include "services/chikaya/src/pg_complaint_store.h"
#include "services/chikaya/src/scheduler.h"
#include "services/chikaya/src/stats.h"
#include "tests/support/chikaya_requests.h"
#include "tests/support/migrated_database.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_env.h"
#include "zp/chikaya/migrations.h"
#include "zp/core/clock.h"
#include "zp/core/status.h"
#include "zp/core/uuid.h"
#include "zp/events/consumer.h"
#include "zp/events/relay.h"
#include "zp/pg/migrations.h"
#include "zp/pg/test_database.h"

namespace zp::chikaya {
namespace {

constexpr char kAssilah[] = "01.511.01.01";    // commune, province 01.511
constexpr char kTanger[] = "01.511.01.0";      // commune, same province
constexpr char kCasablanca[] = "06.141.01.0";  // another region

std::string Reason(const absl::Status& s) { return core::ReasonOf(s).value_or(""); }
std::string Field(const absl::Status& s) {
  auto v = core::FieldViolationsOf(s);
  return v.empty() ? "" : v.front().field;
}

Caller As(const std::string& subject, std::initializer_list<const char*> roles,
          std::initializer_list<const char*> territories = {}) {
  auth::Principal p;
  p.subject = subject;
  for (const char* r : roles) p.roles.emplace_back(r);
  for (const char* t : territories) p.territories.emplace_back(t);
  return Caller::ForPrincipal(p);
}

const Caller kAnonymous = Caller::Anonymous();

class ChikayaFixture {
 public:
  ChikayaFixture() {
    testing::MigratedDatabase migrated = testing::NewMigratedDatabase(Migrations().value(), 4);
    db_ = std::move(migrated.db);
    pool_ = std::move(migrated.pool);
    clock_.Set(absl::FromCivil(absl::CivilSecond(2026, 3, 1, 9, 0, 0), absl::UTCTimeZone()));
    store_ = std::make_unique<PgComplaintStore>(*pool_, *territory::Referential::LoadEmbedded(),
                                                clock_, nullptr, topic_);
    desk_ = std::make_unique<Desk>(*store_, *territory::Referential::LoadEmbedded(), clock_);
  }

  Desk& desk() { return *desk_; }
  pg::Pool& pool() { return *pool_; }

  int64_t Count(const std::string& sql) { return testing::QueryCount(*pool_, sql); }

  v1::SubmitRequest Request(const std::string& authority = kAssilah) {
    return testing::LightingComplaint(authority);
  }

  v1::Complaint Submit(const Caller& who, const std::string& authority = kAssilah) {
    auto r = desk_->Submit(who, Request(authority));
    INFO(r.status().ToString());
    REQUIRE(r.ok());
    return r->complaint();
  }

  template <typename Req>
  Req Step(const std::string& id) {
    Req r;
    r.set_request_id(core::NewUuidV7());
    r.set_id(id);
    return r;
  }

  const pg::TestDatabase& db() const { return *db_; }
  const std::string& topic() const { return topic_; }

  core::ManualClock clock_;

 private:
  std::string topic_ = testing::UniqueName("zp.chikaya.test.");
  std::unique_ptr<pg::TestDatabase> db_;
  std::unique_ptr<pg::Pool> pool_;
  std::unique_ptr<PgComplaintStore> store_;
  std::unique_ptr<Desk> desk_;
};

const Caller kCitizen = As("citizen-1", {"citizen"});
const Caller kAgent = As("agent-assilah", {"agent"}, {kAssilah});
const Caller kOtherAgent = As("agent-tanger", {"agent"}, {kTanger});
const Caller kCell = As("cell-tanger-assilah", {"province_cell"}, {"01.511"});
const Caller kOtherCell = As("cell-casablanca", {"province_cell"}, {"06.141"});

TEST_CASE("chikaya: submissions are validated field by field", "[integration][chikaya]") {
  ChikayaFixture f;
  auto r = f.Request();
  r.set_description(std::string(4001, 'x'));
  CHECK(Field(f.desk().Submit(kCitizen, r).status()) == "description");
  r = f.Request();
  std::string arabic;
  for (int i = 0; i < 4000; ++i) arabic += "ب";  // 4,000 characters, 8,000 bytes: accepted
  r.set_description(arabic);
  CHECK(f.desk().Submit(kCitizen, r).ok());
  r = f.Request();
  r.mutable_location()->set_latitude(48.85);  // Paris
  CHECK(Field(f.desk().Submit(kCitizen, r).status()) == "location");
  r = f.Request();
  r.set_category("potholes-on-mars");
  CHECK(Field(f.desk().Submit(kCitizen, r).status()) == "category");
  r = f.Request("06.141.01.00");  // not a local authority
  CHECK(Field(f.desk().Submit(kCitizen, r).status()) == "authority_code");
  r = f.Request();
  CHECK(Field(f.desk().Submit(kAnonymous, r).status()) == "contact");
  CHECK(f.desk().Submit(kAgent, f.Request()).status().code() ==
        absl::StatusCode::kPermissionDenied);
}

TEST_CASE("chikaya: Arabic, French and emoji round-trip intact", "[integration][chikaya]") {
  ChikayaFixture f;
  auto r = f.Request();
  const std::string text =
      "الإنارة العمومية معطلة منذ أسبوع في زنقة ابن بطوطة 🚧 — l'éclairage est en panne, merci 🙏";
  r.set_description(text);
  auto submitted = f.desk().Submit(kCitizen, r);
  REQUIRE(submitted.ok());
  v1::GetComplaintRequest get;
  get.set_id(submitted->complaint().id());
  auto read = f.desk().GetComplaint(kCitizen, get);
  REQUIRE(read.ok());
  CHECK(read->description() == text);
  CHECK(read->reference().rfind("CHK-2026-", 0) == 0);
  CHECK(read->state() == v1::SUBMITTED);
  CHECK(read->submitter_kind() == v1::CITIZEN);
}

TEST_CASE("chikaya: each transition by its role, others refused", "[integration][chikaya]") {
  ChikayaFixture f;
  v1::Complaint c = f.Submit(kCitizen);
  auto ack = f.Step<v1::TransitionRequest>(c.id());
  CHECK(f.desk().Acknowledge(kCitizen, ack).status().code() == absl::StatusCode::kPermissionDenied);
  CHECK(f.desk().Acknowledge(kOtherAgent, ack).status().code() == absl::StatusCode::kNotFound);
  CHECK(f.desk().Acknowledge(kOtherCell, ack).status().code() == absl::StatusCode::kNotFound);
  auto start_early = f.Step<v1::TransitionRequest>(c.id());
  CHECK(Reason(f.desk().StartWork(kAgent, start_early).status()) == reasons::kInvalidState);
  auto acked = f.desk().Acknowledge(kAgent, ack);
  REQUIRE(acked.ok());
  CHECK(acked->state() == v1::ACKNOWLEDGED);
  CHECK(acked->has_acknowledge_time());

  auto assign = f.Step<v1::AssignRequest>(c.id());
  CHECK(Field(f.desk().Assign(kAgent, assign).status()) == "assignee");
  assign.set_assignee("agent-voirie");
  auto assigned = f.desk().Assign(kAgent, assign);
  REQUIRE(assigned.ok());
  CHECK(assigned->assignee() == "agent-voirie");
  // The province's supervision cell reassigns.
  auto reassign = f.Step<v1::AssignRequest>(c.id());
  reassign.set_assignee("agent-eclairage");
  REQUIRE(f.desk().Assign(kCell, reassign).ok());
  REQUIRE(f.desk().StartWork(kAgent, f.Step<v1::TransitionRequest>(c.id())).ok());

  auto resolve = f.Step<v1::ResolveRequest>(c.id());
  CHECK(Field(f.desk().Resolve(kAgent, resolve).status()) == "response");
  resolve.set_response("Les lampadaires ont été remplacés le 3 mars.");
  auto resolved = f.desk().Resolve(kAgent, resolve);
  REQUIRE(resolved.ok());
  CHECK(resolved->state() == v1::RESOLVED);
  CHECK(f.desk().Resolve(kAgent, resolve)->id() == c.id());  // a retry: the same answer

  // The submitter rates (once) and closes; nobody else can.
  auto rate = f.Step<v1::RateRequest>(c.id());
  rate.set_rating(6);
  CHECK(Field(f.desk().Rate(kCitizen, rate).status()) == "rating");
  rate.set_rating(4);
  CHECK(f.desk().Rate(As("citizen-2", {"citizen"}), rate).status().code() ==
        absl::StatusCode::kNotFound);
  auto rated = f.desk().Rate(kCitizen, rate);
  REQUIRE(rated.ok());
  CHECK(rated->rating() == 4);
  rate.set_request_id(core::NewUuidV7());
  CHECK(Reason(f.desk().Rate(kCitizen, rate).status()) == reasons::kAlreadyRated);
  auto closed = f.desk().Close(kCitizen, f.Step<v1::SubmitterActionRequest>(c.id()));
  REQUIRE(closed.ok());
  CHECK(closed->state() == v1::CLOSED);
  CHECK(Reason(f.desk().Reopen(kCitizen, f.Step<v1::SubmitterActionRequest>(c.id())).status()) ==
        reasons::kInvalidState);
}

TEST_CASE(
    "chikaya: rejection needs a reason, redirection creates a complaint at the other "
    "authority",
    "[integration][chikaya]") {
  ChikayaFixture f;
  v1::Complaint c = f.Submit(kCitizen);
  auto reject = f.Step<v1::RejectRequest>(c.id());
  CHECK(Field(f.desk().Reject(kAgent, reject).status()) == "reason");

  auto redirect = f.Step<v1::RedirectRequest>(c.id());
  redirect.set_authority_code(kAssilah);
  redirect.set_reason("relève de la commune de Tanger");
  CHECK(Reason(f.desk().Redirect(kAgent, redirect).status()) == reasons::kSameAuthority);
  redirect.set_request_id(core::NewUuidV7());
  redirect.set_authority_code(kTanger);
  auto moved = f.desk().Redirect(kAgent, redirect);
  REQUIRE(moved.ok());
  CHECK(moved->original().state() == v1::REDIRECTED);
  CHECK(moved->redirected().state() == v1::SUBMITTED);
  CHECK(moved->redirected().authority_code() == kTanger);
  CHECK(moved->redirected().redirected_from() == c.id());
  CHECK(moved->original().redirected_to() == moved->redirected().id());
  CHECK(moved->redirected().submitter() == "citizen-1");

  // Tanger's agent now handles it; Assilah's does not see the new one.
  v1::GetComplaintRequest get;
  get.set_id(moved->redirected().id());
  CHECK(f.desk().GetComplaint(kOtherAgent, get).ok());
  CHECK(f.desk().GetComplaint(kAgent, get).status().code() == absl::StatusCode::kNotFound);
  CHECK(f.desk().GetComplaint(kCitizen, get).ok());
  auto rejected = f.Step<v1::RejectRequest>(moved->redirected().id());
  rejected.set_reason("hors compétence communale: relève de l'ONEE");
  auto done = f.desk().Reject(kOtherAgent, rejected);
  REQUIRE(done.ok());
  CHECK(done->state() == v1::REJECTED);
}

TEST_CASE("chikaya: reopening within 30 days of the answer, not after", "[integration][chikaya]") {
  ChikayaFixture f;
  for (int days : {29, 31}) {
    INFO(days);
    v1::Complaint c = f.Submit(kCitizen);
    REQUIRE(f.desk().Acknowledge(kAgent, f.Step<v1::TransitionRequest>(c.id())).ok());
    auto resolve = f.Step<v1::ResolveRequest>(c.id());
    resolve.set_response("Réparé.");
    REQUIRE(f.desk().Resolve(kAgent, resolve).ok());
    f.clock_.Advance(absl::Hours(24) * days);
    auto reopened = f.desk().Reopen(kCitizen, f.Step<v1::SubmitterActionRequest>(c.id()));
    if (days < 30) {
      REQUIRE(reopened.ok());
      CHECK(reopened->state() == v1::REOPENED);
      CHECK(f.desk().Acknowledge(kAgent, f.Step<v1::TransitionRequest>(c.id())).ok());
    } else {
      CHECK(Reason(reopened.status()) == reasons::kReopenWindowClosed);
    }
  }
}

TEST_CASE("chikaya: an answer not reopened within 30 days closes the complaint, once",
          "[integration][chikaya]") {
  ChikayaFixture f;
  Scheduler scheduler(f.pool(), f.clock_);
  auto resolve = [&](const std::string& id) {
    REQUIRE(f.desk().Acknowledge(kAgent, f.Step<v1::TransitionRequest>(id)).ok());
    auto r = f.Step<v1::ResolveRequest>(id);
    r.set_response("Réparé.");
    REQUIRE(f.desk().Resolve(kAgent, r).ok());
  };
  const std::string quiet = f.Submit(kCitizen).id();
  const std::string rated = f.Submit(kCitizen).id();
  const std::string reopened = f.Submit(kCitizen).id();
  resolve(quiet);
  resolve(rated);
  resolve(reopened);
  auto rate = f.Step<v1::RateRequest>(rated);
  rate.set_rating(4);
  REQUIRE(f.desk().Rate(kCitizen, rate).ok());
  const absl::Time answered = f.clock_.Now();
  f.clock_.Set(answered + absl::Hours(24) * 10);
  REQUIRE(f.desk().Reopen(kCitizen, f.Step<v1::SubmitterActionRequest>(reopened)).ok());
  auto closes = [&](const std::string& id) {  // audited as the scheduler's
    return f.Count(
        absl::StrCat("SELECT count(*) FROM audit_log WHERE actor = 'system:scheduler' "
                     "AND action = 'chikaya.AutoClose' AND resource = 'complaints/",
                     id, "'"));
  };
  auto changes = [&](const std::string& id) {
    return f.Count(
        absl::StrCat("SELECT count(*) FROM outbox WHERE event_type = "
                     "'zp.chikaya.v1.ComplaintStateChanged' AND key = '",
                     id, "'"));
  };
  auto state = [&](const std::string& id) {
    v1::GetComplaintRequest get;
    get.set_id(id);
    return f.desk().GetComplaint(kCitizen, get)->state();
  };

  f.clock_.Set(answered + absl::Hours(24) * 30);  // the submitter may still reopen
  CHECK(scheduler.RunOnce()->closed == 0);
  CHECK(state(quiet) == v1::RESOLVED);
  const int64_t changes_before = changes(quiet);
  f.clock_.Set(answered + absl::Hours(24) * 30 + absl::Minutes(1));
  auto pass = scheduler.RunOnce();
  REQUIRE(pass.ok());
  CHECK(pass->closed == 2);
  CHECK(state(quiet) == v1::CLOSED);
  CHECK(state(rated) == v1::CLOSED);
  CHECK(state(reopened) == v1::REOPENED);  // back with the agents: nothing to close
  CHECK(scheduler.RunOnce()->closed == 0);
  CHECK(closes(quiet) == 1);
  CHECK(closes(reopened) == 0);
  CHECK(changes(quiet) == changes_before + 1);  // RESOLVED → CLOSED, for statistics and others
  v1::GetComplaintRequest get_quiet;
  get_quiet.set_id(quiet);
  const v1::Complaint closed = *f.desk().GetComplaint(kCitizen, get_quiet);
  CHECK(closed.timeline(closed.timeline_size() - 1).state() == v1::CLOSED);
  CHECK(closed.timeline(closed.timeline_size() - 1).by() == "system");
  CHECK(f.Count("SELECT count(*) FROM complaints WHERE resolved_at IS NOT NULL") == 0);
  // Closed by the scheduler as by the submitter: reopening is over, rating is still open.
  CHECK(f.desk().Reopen(kCitizen, f.Step<v1::SubmitterActionRequest>(quiet)).status().code() ==
        absl::StatusCode::kFailedPrecondition);
  auto late_rating = f.Step<v1::RateRequest>(quiet);
  late_rating.set_rating(5);
  CHECK(f.desk().Rate(kCitizen, late_rating).ok());
}

TEST_CASE("chikaya: anonymous submitters follow with reference and tracking secret",
          "[integration][chikaya]") {
  ChikayaFixture f;
  auto r = f.Request();
  r.mutable_contact()->set_phone("+212 600 000 000");
  auto submitted = f.desk().Submit(kAnonymous, r);
  REQUIRE(submitted.ok());
  CHECK(submitted->complaint().submitter_kind() == v1::ANONYMOUS);
  const std::string secret = submitted->tracking_secret();
  CHECK(secret.size() == 24);
  v1::TrackComplaintRequest track;
  track.set_reference(submitted->complaint().reference());
  track.set_tracking_secret(secret);
  CHECK(f.desk().TrackComplaint(kAnonymous, track).ok());
  track.set_tracking_secret("wrong");
  CHECK(f.desk().TrackComplaint(kAnonymous, track).status().code() == absl::StatusCode::kNotFound);

  const std::string id = submitted->complaint().id();
  REQUIRE(f.desk().Acknowledge(kAgent, f.Step<v1::TransitionRequest>(id)).ok());
  auto resolve = f.Step<v1::ResolveRequest>(id);
  resolve.set_response("Réparé.");
  REQUIRE(f.desk().Resolve(kAgent, resolve).ok());
  auto rate = f.Step<v1::RateRequest>(id);
  rate.set_rating(5);
  CHECK(f.desk().Rate(kAnonymous, rate).status().code() == absl::StatusCode::kNotFound);
  rate.set_tracking_secret(secret);
  CHECK(f.desk().Rate(kAnonymous, rate).ok());
}

TEST_CASE("chikaya: nobody sees an item outside their territory", "[integration][chikaya]") {
  ChikayaFixture f;
  v1::Complaint assilah = f.Submit(kCitizen, kAssilah);
  v1::Complaint casa = f.Submit(As("citizen-2", {"citizen"}), kCasablanca);
  v1::Complaint province = f.Submit(kCitizen, "01.511");
  v1::GetComplaintRequest get;
  get.set_id(assilah.id());
  CHECK(f.desk().GetComplaint(kAgent, get).ok());
  CHECK(f.desk().GetComplaint(kCell, get).ok());
  CHECK(f.desk().GetComplaint(As("dg", {"dgct"}, {"MA"}), get).ok());
  CHECK(f.desk().GetComplaint(kOtherAgent, get).status().code() == absl::StatusCode::kNotFound);
  CHECK(f.desk().GetComplaint(kOtherCell, get).status().code() == absl::StatusCode::kNotFound);
  CHECK(f.desk().GetComplaint(As("citizen-2", {"citizen"}), get).status().code() ==
        absl::StatusCode::kNotFound);

  v1::ListComplaintsRequest list;
  auto by_cell = f.desk().ListComplaints(kCell, list);
  REQUIRE(by_cell.ok());
  CHECK(by_cell->complaints_size() == 2);  // Assilah's and the province's own
  auto by_agent = f.desk().ListComplaints(kAgent, list);
  REQUIRE(by_agent.ok());
  REQUIRE(by_agent->complaints_size() == 1);
  CHECK(by_agent->complaints(0).id() == assilah.id());
  auto national = f.desk().ListComplaints(As("dg", {"dgct"}, {"MA"}), list);
  REQUIRE(national.ok());
  CHECK(national->complaints_size() == 3);
  auto mine = f.desk().ListComplaints(kCitizen, list);
  REQUIRE(mine.ok());
  CHECK(mine->complaints_size() == 2);
  (void)casa;
  (void)province;
}

TEST_CASE("chikaya: text search through PostgreSQL's index, in both scripts, paged, scoped",
          "[integration][chikaya]") {
  ChikayaFixture f;
  v1::Complaint lighting = f.Submit(kCitizen, kAssilah);
  v1::SubmitRequest water = f.Request(kAssilah);
  water.set_subject("Fuite d'eau près des lampadaires");
  water.set_description("تسرب الماء في الشارع الرئيسي منذ يومين.");
  auto leak = f.desk().Submit(kCitizen, water);
  REQUIRE(leak.ok());
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) ids.push_back(f.Submit(kCitizen, kTanger).id());
  auto search = [&](const Caller& who, const std::string& q, int page_size = 0,
                    const std::string& token = "") {
    v1::ListComplaintsRequest r;
    r.set_q(q);
    r.set_page_size(page_size);
    r.set_page_token(token);
    auto list = f.desk().ListComplaints(who, r);
    INFO(list.status().ToString());
    REQUIRE(list.ok());
    return *list;
  };
  auto by_word = search(kAgent, "Éclairage BATTOUTA");
  REQUIRE(by_word.complaints_size() == 1);
  CHECK(by_word.complaints(0).id() == lighting.id());
  CHECK(search(kAgent, "lampadaire").complaints(0).id() == leak->complaint().id());
  CHECK(search(kAgent, "الماء شارع").complaints(0).id() == leak->complaint().id());
  CHECK(search(kAgent, "الانارة").complaints(0).id() == lighting.id());
  CHECK(search(kAgent, "éclairage fuite").complaints_size() == 0);
  // The province cell pages through the four lighting complaints, two by two.
  auto first = search(kCell, "eclairage", 2);
  REQUIRE(first.complaints_size() == 2);
  REQUIRE_FALSE(first.next_page_token().empty());
  auto second = search(kCell, "eclairage", 2, first.next_page_token());
  REQUIRE(second.complaints_size() == 2);
  CHECK(second.complaints(1).id() == ids.back());
  CHECK(second.next_page_token().empty());
  // Words a tsquery could not take never reach PostgreSQL: a 400 naming q.
  v1::ListComplaintsRequest bad;
  bad.set_q(std::string(2100, 'a'));
  CHECK(Field(f.desk().ListComplaints(kAgent, bad).status()) == "q");
  bad.set_q("'&|!:* \\");
  CHECK(Field(f.desk().ListComplaints(kAgent, bad).status()) == "q");
}

TEST_CASE("chikaya: overdue on day 61, escalated on day 76, once across two replicas",
          "[integration][chikaya]") {
  ChikayaFixture f;
  v1::Complaint answered_late = f.Submit(kCitizen);
  REQUIRE(f.desk().Acknowledge(kAgent, f.Step<v1::TransitionRequest>(answered_late.id())).ok());
  v1::Complaint never_acknowledged = f.Submit(kCitizen, kTanger);
  Scheduler a(f.pool(), f.clock_);
  Scheduler b(f.pool(), f.clock_);
  // Two replicas run their passes at the same moments.
  auto both = [&] {
    SchedulerPass pa, pb;
    std::thread ta([&] { pa = *a.RunOnce(); });
    std::thread tb([&] { pb = *b.RunOnce(); });
    ta.join();
    tb.join();
    SchedulerPass sum;
    sum.overdue = pa.overdue + pb.overdue;
    sum.escalated = pa.escalated + pb.escalated;
    sum.closed = pa.closed + pb.closed;
    sum.leader = pa.leader || pb.leader;
    return sum;
  };
  const absl::Time start = f.clock_.Now();
  auto at_day = [&](int day) { f.clock_.Set(start + absl::Hours(24) * day + absl::Minutes(1)); };
  auto overdue_events = [&](const std::string& id) {
    return f.Count(
        absl::StrCat("SELECT count(*) FROM outbox WHERE event_type = "
                     "'zp.chikaya.v1.ComplaintOverdue' AND key = '",
                     id, "'"));
  };
  at_day(14);
  CHECK(both().overdue == 0);
  at_day(15);  // the unacknowledged one misses its 15-day acknowledgement deadline
  auto day15 = both();
  CHECK(day15.overdue == 1);
  at_day(59);
  auto day59 = both();
  CHECK(day59.overdue == 0);
  CHECK(day59.escalated == 1);  // the unacknowledged one, 15 days after its missed deadline
  at_day(60);                   // due at day 60 09:00; the pass at 09:01 marks it
  CHECK(both().overdue == 1);
  for (int i = 0; i < 3; ++i) CHECK(both().overdue == 0);  // marked once
  v1::GetComplaintRequest get;
  get.set_id(answered_late.id());
  auto marked = f.desk().GetComplaint(kCell, get);
  REQUIRE(marked.ok());
  CHECK(marked->overdue());
  CHECK(marked->escalation_level() == 1);
  CHECK(overdue_events(answered_late.id()) == 1);
  at_day(74);
  CHECK(both().escalated == 0);
  at_day(75);  // 60 + 15 days
  CHECK(both().escalated == 1);
  CHECK(both().escalated == 0);
  const v1::Complaint escalated = *f.desk().GetComplaint(kCell, get);
  CHECK(escalated.escalation_level() == 2);
  CHECK(overdue_events(answered_late.id()) == 2);  // level 1, then level 2: once each
  // The timeline shows both escalations, by the system, in order.
  std::vector<int> levels;
  for (const v1::ComplaintStep& step : escalated.timeline()) {
    if (step.escalation_level() > 0) {
      CHECK(step.by() == "system");
      levels.push_back(step.escalation_level());
    }
  }
  CHECK(levels == std::vector<int>{1, 2});
  CHECK(absl::StrContains(escalated.timeline(escalated.timeline_size() - 2).note(),
                          "deadline passed"));
  CHECK(overdue_events(never_acknowledged.id()) == 2);
  v1::ListComplaintsRequest overdue;
  overdue.set_overdue_only(true);
  CHECK(f.desk().ListComplaints(kCell, overdue)->complaints_size() == 2);
  CHECK(f.desk().ListComplaints(kAgent, overdue)->complaints_size() == 1);
}

TEST_CASE("chikaya: statistics after a scripted scenario are the figures computed by hand",
          "[integration][chikaya]") {
  ChikayaFixture f;
  const absl::Time start = f.clock_.Now();
  auto at_day = [&](int day) { f.clock_.Set(start + absl::Hours(24) * day); };
  auto ack = [&](const v1::Complaint& c, const Caller& who) {
    REQUIRE(f.desk().Acknowledge(who, f.Step<v1::TransitionRequest>(c.id())).ok());
  };
  auto resolve = [&](const v1::Complaint& c) {
    auto r = f.Step<v1::ResolveRequest>(c.id());
    r.set_response("Fait.");
    REQUIRE(f.desk().Resolve(kAgent, r).ok());
  };
  auto rate = [&](const v1::Complaint& c, int stars) {
    auto r = f.Step<v1::RateRequest>(c.id());
    r.set_rating(stars);
    REQUIRE(f.desk().Rate(kCitizen, r).ok());
  };
  Scheduler scheduler(f.pool(), f.clock_);
  v1::Complaint c1 = f.Submit(kCitizen);
  v1::Complaint c2 = f.Submit(kCitizen);
  v1::Complaint c3 = f.Submit(kCitizen, kTanger);
  auto suggestion = f.Request();
  suggestion.set_kind(v1::SUGGESTION);
  suggestion.set_category("digital");
  auto c4 = f.desk().Submit(kCitizen, suggestion)->complaint();
  at_day(1);
  ack(c4, kAgent);
  at_day(2);
  ack(c1, kAgent);
  at_day(4);
  ack(c2, kAgent);
  at_day(5);
  resolve(c4);
  rate(c4, 2);
  at_day(10);
  resolve(c1);
  rate(c1, 4);
  at_day(16);
  REQUIRE(scheduler.RunOnce()->overdue == 1);  // c3: not acknowledged within 15 days
  at_day(61);
  REQUIRE(scheduler.RunOnce()->overdue == 1);  // c2: not answered within 60 days
  at_day(70);
  auto reject = f.Step<v1::RejectRequest>(c2.id());
  reject.set_reason("hors compétence");
  REQUIRE(f.desk().Reject(kAgent, reject).ok());

  // What the statistics consumer does with each event, in order.
  {
    auto conn = f.pool().Acquire();
    REQUIRE(conn.ok());
    auto rows = (*conn)->Exec("SELECT value FROM outbox ORDER BY id");
    REQUIRE(rows.ok());
    auto tx = pg::Transaction::Begin(f.pool());
    REQUIRE(tx.ok());
    auto ref = *territory::Referential::LoadEmbedded();
    for (int i = 0; i < rows->rows(); ++i) {
      events::v1::Event e;
      REQUIRE(e.ParseFromString(rows->Bytes(i, 0)));
      REQUIRE(ApplyToStats(*tx, e, *ref).ok());
    }
    REQUIRE(tx->Commit().ok());
  }
  auto stats = [&](const char* territory, v1::Kind kind, bool breakdown = false) {
    v1::StatsRequest r;
    r.set_territory_code(territory);
    r.set_breakdown(breakdown);
    r.set_period_from("2026-03");
    r.set_period_to("2026-03");
    r.set_kind(kind);
    auto s = f.desk().Stats(As("dg", {"dgct"}, {"MA"}), r);
    INFO(s.status().ToString());
    REQUIRE(s.ok());
    return *s;
  };
  // Complaints of the province (c1, c2 at Assilah; c3 at Tanger).
  auto complaints = stats("01.511", v1::COMPLAINT);
  CHECK(complaints.received() == 3);
  CHECK(complaints.answered() == 2);
  CHECK(complaints.answered_within_deadline_share() == Approx(0.5));
  CHECK(complaints.overdue_now() == 1);                         // c3; c2 was answered
  CHECK(complaints.median_days_to_acknowledge() == Approx(2));  // 2 and 4 days
  CHECK(complaints.median_days_to_answer() == Approx(10));      // 10 and 70 days
  CHECK(complaints.mean_rating() == Approx(4));
  // By commune: read from the same table, they add up to the province's figures.
  auto by_commune = stats("01.511", v1::COMPLAINT, true);
  CHECK(by_commune.received() == 3);
  std::map<std::string, v1::TerritoryFigures> communes;
  for (const auto& t : by_commune.breakdown()) communes[t.territory_code()] = t;
  CHECK(communes.size() == 12);  // the council's own is not listed: nothing was sent to it
  CHECK(communes[kAssilah].received() == 2);
  CHECK(communes[kAssilah].answered() == 2);
  CHECK(communes[kAssilah].median_days_to_answer() == Approx(10));
  CHECK(communes[kTanger].received() == 1);
  CHECK(communes[kTanger].overdue_now() == 1);
  // Every kind, nationally.
  auto all = stats("MA", v1::KIND_UNSPECIFIED);
  CHECK(all.received() == 4);
  CHECK(all.answered() == 3);
  CHECK(all.answered_within_deadline_share() == Approx(2.0 / 3));
  CHECK(all.median_days_to_acknowledge() == Approx(2));  // 1, 2, 4
  CHECK(all.median_days_to_answer() == Approx(10));      // 5, 10, 70
  CHECK(all.mean_rating() == Approx(3));                 // 2 and 4
  CHECK(all.rated() == 2);
  // One authority; a month without complaints.
  auto tanger = stats(kTanger, v1::KIND_UNSPECIFIED);
  CHECK(tanger.received() == 1);
  CHECK(tanger.answered() == 0);
  CHECK(tanger.overdue_now() == 1);
  v1::StatsRequest april;
  april.set_territory_code("01.511");
  april.set_period_from("2026-04");
  april.set_period_to("2026-04");
  CHECK(f.desk().Stats(kCell, april)->received() == 0);
  // Who may ask.
  april.set_territory_code("06.141");
  CHECK(f.desk().Stats(kCell, april).status().code() == absl::StatusCode::kNotFound);
  april.set_territory_code(kAssilah);
  CHECK(f.desk().Stats(kAgent, april).ok());
  CHECK(f.desk().Stats(kOtherAgent, april).status().code() == absl::StatusCode::kNotFound);
  april.set_period_to("2026-13");
  CHECK(Field(f.desk().Stats(kAgent, april).status()) == "period_to");
}

TEST_CASE("chikaya: events reach Kafka, the statistics consumer keeps Stats current, once each",
          "[integration][chikaya]") {
  ChikayaFixture f;
  events::RelayOptions relay_options;
  relay_options.conninfo = f.db().server_url();
  relay_options.overrides = f.db().overrides();
  relay_options.bootstrap_servers = testing::KafkaBootstrap();
  relay_options.poll_interval = absl::Milliseconds(100);
  events::OutboxRelay relay(relay_options);
  relay.Start();
  events::ConsumerOptions consumer_options;
  consumer_options.bootstrap_servers = testing::KafkaBootstrap();
  consumer_options.group_id = testing::UniqueName("chikaya-stats-");
  consumer_options.topics = {f.topic()};
  auto ref = *territory::Referential::LoadEmbedded();
  events::Consumer consumer(
      consumer_options, f.pool(),
      [&](pg::Transaction& tx, const events::v1::Event& e) { return ApplyToStats(tx, e, *ref); });
  REQUIRE(consumer.Start().ok());
  v1::Complaint c = f.Submit(kCitizen);
  REQUIRE(f.desk().Acknowledge(kAgent, f.Step<v1::TransitionRequest>(c.id())).ok());
  v1::StatsRequest r;
  r.set_territory_code("MA");
  r.set_period_from("2026-01");
  r.set_period_to("2026-12");
  Caller dgct = As("dg", {"dgct"}, {"MA"});
  CHECK(testing::Eventually([&] { return f.desk().Stats(dgct, r)->received() == 1; },
                            absl::Seconds(20)));
  CHECK(testing::Eventually([&] { return consumer.stats().applied == 2; }, absl::Seconds(20)));
  CHECK(f.desk().Stats(dgct, r)->received() == 1);
  consumer.Stop();
  relay.Stop();

  // kcat reads the same events: keyed by the complaint, typed by their payload.
  const std::string out =
      testing::CommandOutput(absl::StrCat("kcat -b ", testing::KafkaBootstrap(), " -t ", f.topic(),
                                          " -C -o beginning -e -q -f '%k|%s\\n' 2>/dev/null"));
  CHECK(out.find(c.id() + "|") != std::string::npos);
  CHECK(out.find("zp.chikaya.v1.ComplaintSubmitted") != std::string::npos);
  CHECK(out.find("zp.chikaya.v1.ComplaintStateChanged") != std::string::npos);
}

}  // namespace
}  // namespace zp::chikaya
