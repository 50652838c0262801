// CHIKAYA's rules on the fake store, no server: every transition and who may make it, the
// submitter's steps, territory, idempotency, and the event each change records.
#include <catch2/catch.hpp>
#include <map>

#include "absl/algorithm/container.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "services/chikaya/src/desk.h"
#include "tests/support/callers.h"
#include "tests/support/chikaya_requests.h"
#include "tests/support/fake_complaint_store.h"
#include "tests/support/sample_files.h"
#include "zp/chikaya/v1/events.pb.h"
#include "zp/core/status.h"
#include "zp/core/uuid.h"

namespace zp::chikaya {
namespace {

constexpr char kAssilah[] = "01.511.01.01";    // commune, province 01.511
constexpr char kTanger[] = "01.511.01.0";      // commune, same province
constexpr char kCasablanca[] = "06.141.01.0";  // another region

Caller As(const std::string& subject, std::vector<std::string> roles,
          std::vector<std::string> territories = {}) {
  return testing::UserCaller(subject, std::move(roles), std::move(territories));
}

const Caller kCitizen = As("citizen-1", {"citizen"});
const Caller kAgent = As("agent-assilah", {"agent"}, {kAssilah});
const Caller kOtherAgent = As("agent-tanger", {"agent"}, {kTanger});
const Caller kCell = As("cell-tanger-assilah", {"province_cell"}, {"01.511"});
const Caller kGovernor = As("governor-tanger", {"governor"}, {"01.511"});
const Caller kDgct = As("dgct", {"dgct"}, {"MA"});

std::string Reason(const absl::Status& s) { return core::ReasonOf(s).value_or(""); }
std::string Field(const absl::Status& s) {
  auto v = core::FieldViolationsOf(s);
  return v.empty() ? "" : v.front().field;
}

struct DeskFixture {
  testing::FakeComplaintStore store;
  core::ManualClock clock{
      absl::FromCivil(absl::CivilSecond(2026, 3, 2, 9, 0, 0), absl::UTCTimeZone())};
  Desk desk{store, territory::Referential::LoadEmbedded().value(), clock};

  v1::SubmitRequest Request(const std::string& authority = kAssilah) {
    return testing::LightingComplaint(authority);
  }
  v1::SubmitResponse Submitted(const Caller& who = kCitizen,
                               const std::string& authority = kAssilah) {
    v1::SubmitRequest r = Request(authority);
    if (who.anonymous()) r.mutable_contact()->set_email("fatima@example.ma");
    auto out = desk.Submit(who, r);
    INFO(out.status().ToString());
    REQUIRE(out.ok());
    return *out;
  }
  template <typename Request>
  Request Step(const std::string& id) {
    Request r;
    r.set_request_id(core::NewUuidV7());
    r.set_id(id);
    return r;
  }
  absl::StatusOr<v1::Complaint> Acknowledge(const Caller& who, const std::string& id) {
    return desk.Acknowledge(who, Step<v1::TransitionRequest>(id));
  }
  absl::StatusOr<v1::Complaint> Resolve(const Caller& who, const std::string& id) {
    auto r = Step<v1::ResolveRequest>(id);
    r.set_response("L'éclairage est rétabli.");
    return desk.Resolve(who, r);
  }
  std::vector<std::string> Moves(const std::string& id) {
    std::vector<std::string> out;
    for (const auto& e : store.EventsOf<v1::ComplaintStateChanged>(id)) {
      out.push_back(absl::StrCat(v1::State_Name(e.from()), ">", v1::State_Name(e.to())));
    }
    return out;
  }
};

TEST_CASE("chikaya rules: a submission is recorded once, with its event", "[unit][chikaya]") {
  DeskFixture f;
  v1::SubmitRequest r = f.Request();
  auto first = f.desk.Submit(kCitizen, r);
  REQUIRE(first.ok());
  const v1::Complaint& c = first->complaint();
  CHECK(c.state() == v1::SUBMITTED);
  CHECK(c.submitter() == "citizen-1");
  CHECK(c.reference().rfind("CHK-", 0) == 0);
  CHECK(first->tracking_secret().empty());  // an account follows its complaints
  // Deadlines from the kind: 15 and 60 days.
  CHECK(c.answer_due_time().seconds() - c.create_time().seconds() == 60 * 86400);
  auto again = f.desk.Submit(kCitizen, r);  // a retry
  REQUIRE(again.ok());
  CHECK(again->complaint().id() == c.id());
  CHECK(f.store.state().complaints.size() == 1);
  r.set_subject("another subject");  // the same request id for another request
  CHECK(f.desk.Submit(kCitizen, r).status().code() == absl::StatusCode::kAlreadyExists);
  REQUIRE(f.store.EventsOf<v1::ComplaintSubmitted>(c.id()).size() == 1);
  const auto& change = f.store.state().changes.front();
  CHECK(change.action == "Submit");
  CHECK(change.actor == "citizen-1");
  CHECK(change.role == "citizen");
  CHECK(change.territory == kAssilah);
}

TEST_CASE("chikaya rules: who may submit, and what a submission needs", "[unit][chikaya]") {
  DeskFixture f;
  // Anyone without an account, with a contact channel; the tracking secret is shown once.
  v1::SubmitRequest anonymous = f.Request();
  CHECK(Field(f.desk.Submit(Caller::Anonymous(), anonymous).status()) == "contact");
  anonymous.mutable_contact()->set_phone("+212 612 345 678");
  auto filed = f.desk.Submit(Caller::Anonymous(), anonymous);
  REQUIRE(filed.ok());
  CHECK(filed->tracking_secret().size() == 24);
  CHECK(filed->complaint().submitter_kind() == v1::ANONYMOUS);
  CHECK(f.store.state().changes.back().actor ==
        absl::StrCat("anonymous:", filed->complaint().reference()));
  // Staff do not file complaints.
  CHECK(f.desk.Submit(kAgent, f.Request()).status().code() == absl::StatusCode::kPermissionDenied);
  // Each broken field is named.
  v1::SubmitRequest r = f.Request();
  r.set_category("potholes-on-mars");
  CHECK(Field(f.desk.Submit(kCitizen, r).status()) == "category");
  r = f.Request("01.511.01");  // not a local authority of the referential
  CHECK(Field(f.desk.Submit(kCitizen, r).status()) == "authority_code");
  r = f.Request();
  r.mutable_location()->set_latitude(48.85);
  r.mutable_location()->set_longitude(2.35);  // Paris
  CHECK(Field(f.desk.Submit(kCitizen, r).status()) == "location");
  r = f.Request();
  r.set_subject("");
  CHECK(Field(f.desk.Submit(kCitizen, r).status()) == "subject");
  r = f.Request();
  r.set_request_id("not-a-uuid");
  CHECK(f.desk.Submit(kCitizen, r).status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(f.store.state().complaints.size() == 1);  // only the anonymous one
}

TEST_CASE("chikaya rules: the authority's way from SUBMITTED to RESOLVED, each step an event",
          "[unit][chikaya]") {
  DeskFixture f;
  const std::string id = f.Submitted().complaint().id();
  // Not yet acknowledged: no work starts, no answer.
  CHECK(Reason(f.Resolve(kAgent, id).status()) == reasons::kInvalidState);
  REQUIRE(f.Acknowledge(kAgent, id).ok());
  CHECK(Reason(f.Acknowledge(kAgent, id).status()) == reasons::kInvalidState);
  auto assign = f.Step<v1::AssignRequest>(id);
  CHECK(Field(f.desk.Assign(kAgent, assign).status()) == "assignee");
  assign.set_assignee("technicien-12");
  auto assigned = f.desk.Assign(kAgent, assign);
  REQUIRE(assigned.ok());
  CHECK(assigned->assignee() == "technicien-12");
  REQUIRE(f.desk.StartWork(kAgent, f.Step<v1::TransitionRequest>(id)).ok());
  auto no_answer = f.Step<v1::ResolveRequest>(id);
  CHECK(Field(f.desk.Resolve(kAgent, no_answer).status()) == "response");
  auto resolved = f.Resolve(kAgent, id);
  REQUIRE(resolved.ok());
  CHECK(resolved->state() == v1::RESOLVED);
  CHECK(f.Moves(id) == std::vector<std::string>{"SUBMITTED>ACKNOWLEDGED", "ACKNOWLEDGED>ASSIGNED",
                                                "ASSIGNED>IN_PROGRESS", "IN_PROGRESS>RESOLVED"});
  // A refused step changed nothing and recorded nothing.
  CHECK(f.store.state().complaints.at(id).doc.state() == v1::RESOLVED);
  CHECK(f.store.state().changes.size() == 5);  // the submission and four moves
  CHECK(Reason(f.desk
                   .Reject(kAgent,
                           [&] {
                             auto r = f.Step<v1::RejectRequest>(id);
                             r.set_reason("hors compétence");
                             return r;
                           }())
                   .status()) == reasons::kInvalidState);
}

TEST_CASE("chikaya rules: only the authority's staff and its province's cell act",
          "[unit][chikaya]") {
  DeskFixture f;
  const std::string id = f.Submitted().complaint().id();
  // Another commune's agent does not see it; a citizen or a governor may not act at all.
  CHECK(f.Acknowledge(kOtherAgent, id).status().code() == absl::StatusCode::kNotFound);
  CHECK(f.Acknowledge(As("cell-casablanca", {"province_cell"}, {"06.141"}), id).status().code() ==
        absl::StatusCode::kNotFound);
  CHECK(f.Acknowledge(kCitizen, id).status().code() == absl::StatusCode::kPermissionDenied);
  CHECK(f.Acknowledge(kGovernor, id).status().code() == absl::StatusCode::kPermissionDenied);
  CHECK(f.Acknowledge(kDgct, id).status().code() == absl::StatusCode::kPermissionDenied);
  CHECK(f.Acknowledge(Caller::Anonymous(), id).status().code() ==
        absl::StatusCode::kUnauthenticated);
  CHECK(f.Acknowledge(kAgent, core::NewUuidV7()).status().code() == absl::StatusCode::kNotFound);
  CHECK(f.Acknowledge(kAgent, "not-an-id").status().code() == absl::StatusCode::kNotFound);
  // The province's supervision cell acts on every authority of the province.
  auto by_cell = f.Acknowledge(kCell, id);
  REQUIRE(by_cell.ok());
  CHECK(f.store.state().changes.back().role == "province_cell");
}

TEST_CASE("chikaya rules: who reads a complaint, and whose lists show it", "[unit][chikaya]") {
  DeskFixture f;
  const std::string assilah = f.Submitted(kCitizen, kAssilah).complaint().id();
  const std::string tanger = f.Submitted(As("citizen-2", {"citizen"}), kTanger).complaint().id();
  f.Submitted(As("citizen-3", {"citizen"}), kCasablanca);
  v1::GetComplaintRequest get;
  get.set_id(assilah);
  CHECK(f.desk.GetComplaint(kCitizen, get).ok());
  CHECK(f.desk.GetComplaint(kAgent, get).ok());
  CHECK(f.desk.GetComplaint(kCell, get).ok());
  CHECK(f.desk.GetComplaint(kGovernor, get).ok());
  CHECK(f.desk.GetComplaint(kDgct, get).ok());
  for (const Caller& stranger :
       {kOtherAgent, As("citizen-2", {"citizen"}), As("aud", {"auditor"}, {"06"})}) {
    CHECK(f.desk.GetComplaint(stranger, get).status().code() == absl::StatusCode::kNotFound);
  }
  // By its reference too (any case, with or without dashes), to the same readers only.
  v1::GetComplaintRequest by_reference;
  by_reference.set_id(f.store.Get(assilah).value()->doc.reference());
  auto found = f.desk.GetComplaint(kAgent, by_reference);
  REQUIRE(found.ok());
  CHECK(found->id() == assilah);
  std::string lower = absl::AsciiStrToLower(by_reference.id());
  by_reference.set_id(lower);
  CHECK(f.desk.GetComplaint(kCitizen, by_reference).ok());
  CHECK(f.desk.GetComplaint(kOtherAgent, by_reference).status().code() ==
        absl::StatusCode::kNotFound);
  by_reference.set_id(lower.substr(0, lower.size() - 1) + (lower.back() == 'a' ? "b" : "a"));
  CHECK(f.desk.GetComplaint(kAgent, by_reference).status().code() == absl::StatusCode::kNotFound);
  by_reference.set_id("WTQ-2026-K3M9Q2FX");  // another service's reference
  CHECK(f.desk.GetComplaint(kAgent, by_reference).status().code() == absl::StatusCode::kNotFound);
  auto count = [&](const Caller& who) {
    auto list = f.desk.ListComplaints(who, {});
    REQUIRE(list.ok());
    return list->complaints_size();
  };
  CHECK(count(kAgent) == 1);    // its own authority only
  CHECK(count(kCell) == 2);     // the province: Assilah and Tanger
  CHECK(count(kDgct) == 3);     // the nation
  CHECK(count(kCitizen) == 1);  // its own
  v1::ListComplaintsRequest paged;
  paged.set_page_size(1);
  auto page1 = f.desk.ListComplaints(kCell, paged);
  REQUIRE(page1.ok());
  REQUIRE(page1->complaints_size() == 1);
  paged.set_page_token(page1->next_page_token());
  auto page2 = f.desk.ListComplaints(kCell, paged);
  REQUIRE(page2.ok());
  REQUIRE(page2->complaints_size() == 1);
  CHECK(page2->complaints(0).id() == tanger);
  CHECK(page2->next_page_token().empty());
}

TEST_CASE("chikaya rules: the submitter closes, reopens within 30 days, rates once",
          "[unit][chikaya]") {
  DeskFixture f;
  const v1::SubmitResponse filed = f.Submitted(Caller::Anonymous());
  const std::string id = filed.complaint().id();
  REQUIRE(f.Acknowledge(kAgent, id).ok());
  REQUIRE(f.Resolve(kAgent, id).ok());
  auto by_secret = [&](auto r) {
    r.set_tracking_secret(filed.tracking_secret());
    return r;
  };
  // A wrong secret, or another account, finds nothing.
  auto wrong = f.Step<v1::SubmitterActionRequest>(id);
  wrong.set_tracking_secret("not-the-secret");
  CHECK(f.desk.Reopen(Caller::Anonymous(), wrong).status().code() == absl::StatusCode::kNotFound);
  CHECK(f.desk.Reopen(kCitizen, f.Step<v1::SubmitterActionRequest>(id)).status().code() ==
        absl::StatusCode::kNotFound);
  // Reopened within the window: a new answer deadline, as long as the first.
  f.clock.Advance(absl::Hours(24) * 29);
  auto too_long = by_secret(f.Step<v1::SubmitterActionRequest>(id));
  too_long.set_reason(std::string(kMaxDescription + 1, 'x'));
  CHECK(Field(f.desk.Reopen(Caller::Anonymous(), too_long).status()) == "reason");
  auto reopen = by_secret(f.Step<v1::SubmitterActionRequest>(id));
  reopen.set_reason("La rue est encore dans le noir.");
  auto reopened = f.desk.Reopen(Caller::Anonymous(), reopen);
  REQUIRE(reopened.ok());
  CHECK(reopened->state() == v1::REOPENED);
  CHECK(reopened->response().empty());
  REQUIRE(f.Acknowledge(kAgent, id).ok());
  REQUIRE(f.Resolve(kAgent, id).ok());
  // Past 30 days, the answer stands: closed, then rated once.
  f.clock.Advance(absl::Hours(24) * 31);
  CHECK(Reason(f.desk.Reopen(Caller::Anonymous(), by_secret(f.Step<v1::SubmitterActionRequest>(id)))
                   .status()) == reasons::kReopenWindowClosed);
  REQUIRE(
      f.desk.Close(Caller::Anonymous(), by_secret(f.Step<v1::SubmitterActionRequest>(id))).ok());
  auto rate = by_secret(f.Step<v1::RateRequest>(id));
  rate.set_rating(6);
  CHECK(Field(f.desk.Rate(Caller::Anonymous(), rate).status()) == "rating");
  rate.set_rating(4);
  REQUIRE(f.desk.Rate(Caller::Anonymous(), rate).ok());
  auto again = by_secret(f.Step<v1::RateRequest>(id));
  again.set_rating(1);
  CHECK(Reason(f.desk.Rate(Caller::Anonymous(), again).status()) == reasons::kAlreadyRated);
  CHECK(f.store.EventsOf<v1::ComplaintRated>(id).size() == 1);
  CHECK(f.Moves(id) == std::vector<std::string>{"SUBMITTED>ACKNOWLEDGED", "ACKNOWLEDGED>RESOLVED",
                                                "RESOLVED>REOPENED", "REOPENED>ACKNOWLEDGED",
                                                "ACKNOWLEDGED>RESOLVED", "RESOLVED>CLOSED"});
  // first_answer (events.proto): on the first RESOLVED only, never on the other moves.
  std::vector<bool> first;
  for (const auto& e : f.store.EventsOf<v1::ComplaintStateChanged>(id)) {
    first.push_back(e.first_answer());
  }
  CHECK(first == std::vector<bool>{false, true, false, false, false, false});

  // The timeline keeps every step, the first answer and the reason of the reopening included.
  const v1::Complaint done = f.store.Get(id).value()->doc;
  std::vector<std::string> steps;
  for (const v1::ComplaintStep& step : done.timeline()) {
    steps.push_back(
        absl::StrCat(v1::State_Name(step.state()), " by ", step.by(), ": ", step.note()));
  }
  CHECK(steps == std::vector<std::string>{
                     "SUBMITTED by submitter: ", "ACKNOWLEDGED by agent: ",
                     "RESOLVED by agent: L'éclairage est rétabli.",
                     "REOPENED by submitter: La rue est encore dans le noir.",
                     "ACKNOWLEDGED by agent: ", "RESOLVED by agent: L'éclairage est rétabli.",
                     "CLOSED by submitter: "});
  CHECK(done.timeline(3).time().seconds() > done.timeline(2).time().seconds());
}

TEST_CASE("chikaya rules: rejected with a reason, or redirected as a new complaint elsewhere",
          "[unit][chikaya]") {
  DeskFixture f;
  const std::string id = f.Submitted().complaint().id();
  auto reject = f.Step<v1::RejectRequest>(id);
  CHECK(Field(f.desk.Reject(kAgent, reject).status()) == "reason");
  auto redirect = f.Step<v1::RedirectRequest>(id);
  redirect.set_authority_code(kAssilah);
  redirect.set_reason("compétence de la commune voisine");
  CHECK(Reason(f.desk.Redirect(kAgent, redirect).status()) == reasons::kSameAuthority);
  redirect.set_request_id(core::NewUuidV7());
  redirect.set_authority_code(kTanger);
  auto moved = f.desk.Redirect(kAgent, redirect);
  REQUIRE(moved.ok());
  CHECK(moved->original().state() == v1::REDIRECTED);
  CHECK(moved->redirected().authority_code() == kTanger);
  CHECK(moved->redirected().state() == v1::SUBMITTED);
  CHECK(moved->redirected().redirected_from() == id);
  CHECK(moved->redirected().submitter() == "citizen-1");  // still the citizen's
  // Each side's timeline says where it went, and where it came from.
  REQUIRE(moved->original().timeline_size() == 2);
  CHECK(moved->original().timeline(1).state() == v1::REDIRECTED);
  CHECK(moved->original().timeline(1).note() == "compétence de la commune voisine");
  REQUIRE(moved->redirected().timeline_size() == 1);
  CHECK(moved->redirected().timeline(0).by() == "agent");
  CHECK(moved->redirected().timeline(0).note() ==
        absl::StrCat("redirected from ", moved->original().reference(),
                     ": compétence de la commune voisine"));
  CHECK(f.store.EventsOf<v1::ComplaintSubmitted>(moved->redirected().id()).size() == 1);
  // Now Tanger's: its agent acknowledges it, Assilah's no longer sees it.
  CHECK(f.Acknowledge(kOtherAgent, moved->redirected().id()).ok());
  CHECK(f.Acknowledge(kAgent, moved->redirected().id()).status().code() ==
        absl::StatusCode::kNotFound);
}

TEST_CASE("chikaya rules: statistics by territory, for those who oversee it", "[unit][chikaya]") {
  DeskFixture f;
  v1::StatsRequest r;
  r.set_territory_code(kAssilah);
  r.set_period_from("2026-01");
  r.set_period_to("2026-06");
  CHECK(f.desk.Stats(kAgent, r).ok());
  CHECK(f.desk.Stats(kCell, r).ok());
  CHECK(f.desk.Stats(kDgct, r).ok());
  CHECK(f.desk.Stats(kOtherAgent, r).status().code() == absl::StatusCode::kNotFound);
  r.set_territory_code("01.511");
  CHECK(f.desk.Stats(kAgent, r).status().code() == absl::StatusCode::kNotFound);
  CHECK(f.desk.Stats(kGovernor, r).ok());
  r.set_territory_code("99.999");
  CHECK(Field(f.desk.Stats(kDgct, r).status()) == "territory_code");
  CHECK(f.store.stats_reads == 4);
}

TEST_CASE("chikaya rules: statistics refuse citizens (403) and a reversed period (400)",
          "[unit][chikaya]") {
  DeskFixture f;
  v1::StatsRequest r;
  r.set_territory_code(kAssilah);
  r.set_period_from("2026-06");
  r.set_period_to("2026-01");
  // A role that may never read statistics: 403, whatever the territory.
  CHECK(f.desk.Stats(kCitizen, r).status().code() == absl::StatusCode::kPermissionDenied);
  auto reversed = f.desk.Stats(kAgent, r);
  CHECK(reversed.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(Field(reversed.status()) == "period_to");
  r.set_period_to("2026-13");
  CHECK(Field(f.desk.Stats(kAgent, r).status()) == "period_to");
  r.set_period_to("2026-06");  // one month
  CHECK(f.desk.Stats(kAgent, r).ok());
  CHECK(f.store.stats_reads == 1);
}

TEST_CASE("chikaya rules: complaints searched by words of either script, within the territory",
          "[unit][chikaya]") {
  DeskFixture f;
  const std::string lighting = f.Submitted().complaint().id();
  v1::SubmitRequest water = f.Request();
  water.set_subject("Fuite d'eau près des lampadaires");
  water.set_description("تسرب الماء في الشارع الرئيسي منذ يومين.");
  auto leak = f.desk.Submit(kCitizen, water);
  REQUIRE(leak.ok());
  const std::string leak_id = leak->complaint().id();
  const std::string tanger = f.Submitted(kCitizen, kTanger).complaint().id();

  auto found = [&](const Caller& who, const std::string& q) {
    v1::ListComplaintsRequest r;
    r.set_q(q);
    auto list = f.desk.ListComplaints(who, r);
    INFO(q << ": " << list.status().ToString());
    REQUIRE(list.ok());
    std::vector<std::string> ids;
    for (const auto& c : list->complaints()) ids.push_back(c.id());
    return ids;
  };
  using Ids = std::vector<std::string>;
  // Case, accents and diacritics aside; every word must be there; a word finds its longer forms.
  CHECK(found(kAgent, "ECLAIRAGE") == Ids{lighting});
  CHECK(found(kAgent, "éclairage battouta") == Ids{lighting});
  CHECK(found(kAgent, "éclairage fuite").empty());
  CHECK(found(kAgent, "lampadaire") == Ids{leak_id});
  CHECK(found(kAgent, "الإنارة") == Ids{lighting});
  CHECK(found(kAgent, "إنارة") == Ids{lighting});  // without the article
  CHECK(found(kAgent, "شارع") == Ids{leak_id});
  // The territory's rules stay: Tanger's complaint is not Assilah's agent's, a cell sees both.
  CHECK(found(kAgent, "rue battouta") == Ids{lighting});
  CHECK(found(kCell, "rue battouta") == Ids{lighting, tanger});
  CHECK(found(kCitizen, "fuite") == Ids{leak_id});  // a citizen searches their own

  v1::ListComplaintsRequest bad;
  bad.set_q(std::string(201, 'a'));
  CHECK(Field(f.desk.ListComplaints(kAgent, bad).status()) == "q");
  bad.set_q("un deux trois quatre cinq six sept huit neuf");
  CHECK(Field(f.desk.ListComplaints(kAgent, bad).status()) == "q");
  bad.set_q("?! —");
  CHECK(Field(f.desk.ListComplaints(kAgent, bad).status()) == "q");
}

StatCounts Counts(int64_t received, int64_t answered, int64_t within, int answer_day) {
  StatCounts c;
  c.received = received;
  c.answered = answered;
  c.within = within;
  c.answer[answer_day] = answered;
  return c;
}

TEST_CASE("chikaya rules: statistics broken down by the authorities within, and the council's own",
          "[unit][chikaya]") {
  DeskFixture f;
  // The province counts its communes' complaints and those addressed to its own council.
  f.store.stat_counts["01.511"] = Counts(10, 6, 3, 4);
  f.store.stat_counts[kAssilah] = Counts(3, 2, 2, 1);
  f.store.stat_counts[kTanger] = Counts(5, 2, 0, 9);
  v1::StatsRequest r;
  r.set_territory_code("01.511");
  r.set_period_from("2026-01");
  r.set_period_to("2026-06");
  auto plain = f.desk.Stats(kGovernor, r);
  REQUIRE(plain.ok());
  CHECK(plain->received() == 10);
  CHECK(plain->breakdown().empty());

  r.set_breakdown(true);
  auto stats = f.desk.Stats(kGovernor, r);
  REQUIRE(stats.ok());
  CHECK(stats->received() == 10);
  CHECK(stats->answered_within_deadline_share() == Approx(0.5));
  // Every commune of the province, by code (those with nothing count zero), then the council.
  REQUIRE(stats->breakdown_size() == 13);
  std::map<std::string, v1::TerritoryFigures> by_code;
  for (int i = 0; i + 1 < stats->breakdown_size(); ++i) {
    const v1::TerritoryFigures& t = stats->breakdown(i);
    CHECK_FALSE(t.own());
    if (i > 0) CHECK(stats->breakdown(i - 1).territory_code() < t.territory_code());
    by_code[t.territory_code()] = t;
  }
  CHECK(by_code[kAssilah].received() == 3);
  CHECK(by_code[kAssilah].name_fr() == "Assilah");
  CHECK(by_code[kAssilah].name_ar() == "أصيلة");
  CHECK(by_code[kAssilah].answered_within_deadline_share() == Approx(1.0));
  CHECK(by_code[kAssilah].median_days_to_answer() == 1);
  CHECK(by_code[kTanger].median_days_to_answer() == 9);
  CHECK(by_code["01.511.01.03"].received() == 0);
  const v1::TerritoryFigures& own = stats->breakdown(12);
  CHECK(own.own());
  CHECK(own.territory_code() == "01.511");
  CHECK(own.received() == 2);
  CHECK(own.answered() == 2);
  CHECK(own.answered_within_deadline_share() == Approx(0.5));
  CHECK(own.median_days_to_answer() == 4);

  // A commune has no authority within it; the nation lists its twelve regions.
  r.set_territory_code(kAssilah);
  auto commune = f.desk.Stats(kAgent, r);
  REQUIRE(commune.ok());
  CHECK(commune->breakdown().empty());
  r.set_territory_code("MA");
  auto nation = f.desk.Stats(kDgct, r);
  REQUIRE(nation.ok());
  CHECK(nation->breakdown_size() == 12);
  for (const auto& t : nation->breakdown()) CHECK_FALSE(t.own());
  // Casablanca's prefecture: its communes, through its prefectures d'arrondissements.
  r.set_territory_code("06.141");
  auto casablanca = f.desk.Stats(kDgct, r);
  REQUIRE(casablanca.ok());
  REQUIRE_FALSE(casablanca->breakdown().empty());
  for (const auto& t : casablanca->breakdown()) {
    CHECK(absl::StartsWith(t.territory_code(), "06.141."));
  }
}

TEST_CASE("chikaya rules: statistics exported as CSV for spreadsheets, for the same callers",
          "[unit][chikaya]") {
  DeskFixture f;
  f.store.stat_counts["01.511"] = Counts(10, 6, 3, 4);
  f.store.stat_counts[kAssilah] = Counts(3, 2, 2, 1);
  v1::StatsRequest r;
  r.set_territory_code("01.511");
  r.set_period_from("2026-01");
  r.set_period_to("2026-06");
  auto csv = f.desk.ExportStats(kGovernor, r);
  REQUIRE(csv.ok());
  CHECK(csv->content_type() == "text/csv; charset=utf-8");
  CHECK(csv->file_name() == "chikaya-stats-01.511-2026-01-2026-06.csv");
  const std::vector<std::string> lines = absl::StrSplit(csv->data(), "\r\n", absl::SkipEmpty());
  REQUIRE(lines.size() == 15);  // header, total, 12 communes, the council's own
  CHECK(lines[0] ==
        "\xEF\xBB\xBFline,territory_code,name_fr,name_ar,received,answered,overdue_now,"
        "median_days_to_acknowledge,median_days_to_answer,answered_within_deadline_share,"
        "mean_rating,rated");
  CHECK(lines[1] == "total,01.511,Tanger-Assilah,طنجة-أصيلة,10,6,0,0,4,0.5000,0.00,0");
  CHECK(absl::c_linear_search(lines, "within,01.511.01.01,Assilah,أصيلة,3,2,0,0,1,1.0000,0.00,0"));
  CHECK(lines[14] == "own,01.511,Tanger-Assilah,طنجة-أصيلة,7,4,0,0,4,0.2500,0.00,0");
  // The same rules as Stats: a citizen is refused, a reversed period names its field.
  CHECK(f.desk.ExportStats(kCitizen, r).status().code() == absl::StatusCode::kPermissionDenied);
  CHECK(f.desk.ExportStats(kAgent, r).status().code() == absl::StatusCode::kNotFound);
  r.set_period_to("2025-12");
  CHECK(Field(f.desk.ExportStats(kGovernor, r).status()) == "period_to");
}

TEST_CASE("chikaya rules: attachments uploaded first, then named by their sha256",
          "[unit][chikaya]") {
  DeskFixture f;
  v1::UploadAttachmentRequest upload;
  CHECK(Field(f.desk.UploadAttachment(Caller::Anonymous(), upload).status()) == "content");
  upload.set_content(testing::kPdf);
  upload.set_content_type("image/png");  // contradicted by the content
  CHECK(Field(f.desk.UploadAttachment(Caller::Anonymous(), upload).status()) == "content");
  upload.set_content(testing::kPng);
  auto photo = f.desk.UploadAttachment(Caller::Anonymous(), upload);
  REQUIRE(photo.ok());
  CHECK(photo->content_type() == "image/png");
  // A submission names only uploaded attachments.
  v1::SubmitRequest r = f.Request();
  r.add_attachment_refs(std::string(64, 'a'));
  CHECK(Field(f.desk.Submit(kCitizen, r).status()) == "attachment_refs[0]");
  r.set_attachment_refs(0, "photo.jpg");
  CHECK(Field(f.desk.Submit(kCitizen, r).status()) == "attachment_refs[0]");
  r.set_attachment_refs(0, photo->sha256());
  auto filed = f.desk.Submit(kCitizen, r);
  REQUIRE(filed.ok());
  const std::string id = filed->complaint().id();
  // Read back as the file it is, by those who read the complaint, and only its own.
  v1::GetAttachmentRequest get;
  get.set_complaint_id(id);
  get.set_sha256(photo->sha256());
  auto body = f.desk.GetAttachment(kAgent, get);
  REQUIRE(body.ok());
  CHECK(body->content_type() == "image/png");
  CHECK(body->data() == testing::kPng);
  CHECK(f.desk.GetAttachment(kOtherAgent, get).status().code() == absl::StatusCode::kNotFound);
  upload.set_content(testing::kJpeg);
  upload.clear_content_type();
  auto other = f.desk.UploadAttachment(Caller::Anonymous(), upload);
  REQUIRE(other.ok());
  get.set_sha256(other->sha256());  // uploaded, but not this complaint's
  CHECK(f.desk.GetAttachment(kAgent, get).status().code() == absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace zp::chikaya
