// SGEC against a real PostgreSQL: the workflow by role, numbering under concurrency, duplicates
// in both scripts, territory isolation, idempotent retries, mentions, deaths, audit, events.
#include <atomic>
#include <cstdio>
#include <set>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "catch2/catch.hpp"
#include "services/sgec/src/idcs.h"
#include "services/sgec/src/registry.h"
#include "services/sgec/src/rules.h"
#include "tests/integration/sgec_fixture.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_env.h"
#include "zp/core/clock.h"
#include "zp/core/reference.h"
#include "zp/core/status.h"
#include "zp/core/uuid.h"
#include "zp/events/relay.h"
#include "zp/pg/migrations.h"
#include "zp/pg/test_database.h"
#include "zp/sgec/migrations.h"
#include "zp/sgec/v1/events.pb.h"

namespace zp::sgec {
namespace {

using namespace fixture;  // NOLINT: the fixture and its helpers

TEST_CASE("sgec: declare, validate, register, each step only by its role", "[integration][sgec]") {
  SgecFixture f;
  auto req = f.BirthOf(1);

  // Who may declare: the civil-status agent (DECLARED) and a health facility (NOTIFIED).
  for (auto who : {P("c", {"citizen"}, {"MA"}), P("o", {"civil_officer"}, {kAssilah}),
                   P("g", {"governor"}, {"01.511"}), P("x", {"agent"}, {kAssilah})}) {
    INFO(who.roles[0]);
    CHECK(f.registry().DeclareBirth(C(who), req).status().code() ==
          absl::StatusCode::kPermissionDenied);
  }
  // An agent of another commune does not see the bureau.
  CHECK(f.registry().DeclareBirth(f.Agent(kTanger), req).status().code() ==
        absl::StatusCode::kNotFound);

  v1::Declaration d = f.Declare(req);
  CHECK(d.state() == v1::DECLARED);
  CHECK(d.duplicate_status() == v1::NO_MATCH);
  CHECK(d.commune_code() == kAssilah);

  // Registration needs validation first, and only an officer registers.
  auto early = f.Register(d.id());
  CHECK(Reason(early.status()) == reasons::kInvalidState);
  v1::ValidateDeclarationRequest v;
  v.set_request_id(core::NewUuidV7());
  v.set_id(d.id());
  CHECK(f.registry().ValidateDeclaration(f.Officer(), v).status().code() ==
        absl::StatusCode::kPermissionDenied);
  CHECK(f.Validate(d.id()).state() == v1::VALIDATED);
  v1::RegisterActRequest by_agent;
  by_agent.set_request_id(core::NewUuidV7());
  by_agent.set_declaration_id(d.id());
  CHECK(f.registry().RegisterAct(f.Agent(), by_agent).status().code() ==
        absl::StatusCode::kPermissionDenied);
  // An officer of another commune gets NOT_FOUND.
  CHECK(f.Register(d.id(), kTanger).status().code() == absl::StatusCode::kNotFound);

  auto act = f.Register(d.id());
  REQUIRE(act.ok());
  CHECK(act->reference() == absl::StrCat(kAssilah, "/2026/1"));
  CHECK(IsValidIdcs(act->idcs()));
  CHECK(act->current_birth().child().given_name().fr() == Word(1, false));

  v1::GetDeclarationRequest g;
  g.set_id(d.id());
  auto after = f.registry().GetDeclaration(f.Agent(), g);
  REQUIRE(after.ok());
  CHECK(after->state() == v1::REGISTERED);
  CHECK(after->act_id() == act->id());
  // By its reference as well (as the declarant quotes it: any case), within the territory.
  REQUIRE(absl::StartsWith(d.reference(), "DCL-2026-"));
  CHECK(core::HumanReference::Normalize(d.reference(), "reference").ok());
  g.set_id(absl::AsciiStrToLower(d.reference()));
  auto quoted = f.registry().GetDeclaration(f.Agent(), g);
  REQUIRE(quoted.ok());
  CHECK(quoted->id() == d.id());
  CHECK(f.registry().GetDeclaration(f.Agent(kTanger), g).status().code() ==
        absl::StatusCode::kNotFound);
  g.set_id("DCL-2026-00000000");
  CHECK(f.registry().GetDeclaration(f.Agent(), g).status().code() == absl::StatusCode::kNotFound);

  // Nothing moves a registered declaration.
  v1::RejectDeclarationRequest rej;
  rej.set_request_id(core::NewUuidV7());
  rej.set_id(d.id());
  rej.set_reason("too late");
  CHECK(Reason(f.registry().RejectDeclaration(f.Officer(), rej).status()) ==
        reasons::kInvalidState);
}

TEST_CASE("sgec: a health facility notifies, the agent completes the declarant and validates",
          "[integration][sgec]") {
  SgecFixture f;
  auto req = f.BirthOf(2);
  req.mutable_birth()->clear_declarant();
  req.mutable_birth()->set_health_facility("Hôpital Mohammed V");
  auto d = f.registry().DeclareBirth(C(P("h", {"health_facility"}, {"01.511"})), req);
  REQUIRE(d.ok());
  CHECK(d->state() == v1::NOTIFIED);

  v1::ValidateDeclarationRequest v;
  v.set_request_id(core::NewUuidV7());
  v.set_id(d->id());
  auto missing = f.registry().ValidateDeclaration(f.Agent(), v);
  CHECK(missing.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(core::FieldViolationsOf(missing.status()).front().field == "declarant");

  v.set_request_id(core::NewUuidV7());
  SetName(v.mutable_declarant()->mutable_name(), "فاطمة", "Fatima", "بناني", "Bennani");
  v.mutable_declarant()->set_relation(v1::MOTHER);
  auto validated = f.registry().ValidateDeclaration(f.Agent(), v);
  REQUIRE(validated.ok());
  CHECK(validated->state() == v1::VALIDATED);
  CHECK(validated->birth().declarant().relation() == v1::MOTHER);

  // Rejection needs a reason and ends the declaration.
  v1::RejectDeclarationRequest rej;
  rej.set_request_id(core::NewUuidV7());
  rej.set_id(d->id());
  CHECK(f.registry().RejectDeclaration(f.Agent(), rej).status().code() ==
        absl::StatusCode::kInvalidArgument);
  rej.set_reason("the mother's identity could not be established");
  auto rejected = f.registry().RejectDeclaration(f.Agent(), rej);
  REQUIRE(rejected.ok());
  CHECK(rejected->state() == v1::REJECTED);
  CHECK(Reason(f.Register(d->id()).status()) == reasons::kInvalidState);
}

TEST_CASE("sgec: 100 parallel registrations in one bureau get 100 consecutive numbers",
          "[integration][sgec]") {
  SgecFixture f;
  std::vector<std::string> ids;
  for (int i = 0; i < 100; ++i) {
    auto d = f.Declare(f.BirthOf(100 + i, kAssilah, i % 25));
    f.Validate(d.id());
    ids.push_back(d.id());
  }
  std::vector<int> numbers(100, 0);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 100; ++i) {
    threads.emplace_back([&, i] {
      auto act = f.Register(ids[i]);
      if (act.ok()) {
        numbers[i] = act->number();
      } else {
        ++failures;
        UNSCOPED_INFO(act.status().ToString());
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(failures == 0);
  std::set<int> distinct(numbers.begin(), numbers.end());
  CHECK(distinct.size() == 100);
  CHECK(*distinct.begin() == 1);
  CHECK(*distinct.rbegin() == 100);
  CHECK(f.Count("SELECT count(DISTINCT idcs) FROM acts") == 100);
  CHECK(f.Count("SELECT last_number FROM act_counters") == 100);
}

TEST_CASE("sgec: an IDCS drawn twice is drawn again, without a gap in the numbers",
          "[integration][sgec]") {
  SgecFixture f;
  v1::Act first = f.Registered(f.BirthOf(50));
  std::vector<std::string> draws = {first.idcs(), first.idcs(), NewIdcs()};
  size_t next = 0;
  f.registry().set_idcs_source([&] { return draws[std::min(next++, draws.size() - 1)]; });
  v1::Act second = f.Registered(f.BirthOf(51));
  CHECK(next == 3);
  CHECK(second.idcs() == draws[2]);
  CHECK(second.number() == first.number() + 1);
  CHECK(f.Count("SELECT count(*) FROM idcs_registry") == 2);
  CHECK(f.Count("SELECT count(*) FROM acts") == 2);
}

TEST_CASE("sgec: a retried RegisterAct returns the first act, another payload is refused",
          "[integration][sgec]") {
  SgecFixture f;
  auto d = f.Declare(f.BirthOf(3));
  f.Validate(d.id());
  const std::string request_id = core::NewUuidV7();
  auto first = f.Register(d.id(), kAssilah, request_id);
  REQUIRE(first.ok());
  auto again = f.Register(d.id(), kAssilah, request_id);
  REQUIRE(again.ok());
  CHECK(again->id() == first->id());
  CHECK(again->idcs() == first->idcs());
  CHECK(f.Count("SELECT count(*) FROM acts") == 1);
  CHECK(f.Count("SELECT count(*) FROM outbox WHERE event_type = 'zp.sgec.v1.ActRegistered'") == 1);

  // The same request_id for another declaration: ALREADY_EXISTS, nothing written.
  auto other = f.Declare(f.BirthOf(4));
  f.Validate(other.id());
  auto reused = f.Register(other.id(), kAssilah, request_id);
  CHECK(reused.status().code() == absl::StatusCode::kAlreadyExists);
  CHECK(f.Count("SELECT count(*) FROM acts") == 1);

  // Concurrent retries of one declaration: one act.
  auto third = f.Declare(f.BirthOf(5));
  f.Validate(third.id());
  const std::string concurrent_id = core::NewUuidV7();
  std::vector<std::thread> threads;
  std::set<std::string> act_ids;
  absl::Mutex mu;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      auto act = f.Register(third.id(), kAssilah, concurrent_id);
      if (act.ok()) {
        absl::MutexLock lock(&mu);
        act_ids.insert(act->id());
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(act_ids.size() == 1);
  CHECK(f.Count("SELECT count(*) FROM acts") == 2);
}

TEST_CASE("sgec: duplicates are found in Latin and in Arabic script, on declare and on register",
          "[integration][sgec]") {
  SgecFixture f;
  auto original = f.BirthOf(6);
  auto* b = original.mutable_birth();
  SetName(b->mutable_child(), "يوسف", "Youssef", "العلوي", "Alaoui");
  SetName(b->mutable_mother()->mutable_name(), "فاطمة", "Fatima", "بناني", "Bennani");
  v1::Act act = f.Registered(original);

  // Same mother, same date; the child's Latin name spelled differently.
  auto latin = original;
  latin.set_request_id(core::NewUuidV7());
  latin.mutable_birth()->mutable_child()->mutable_given_name()->set_fr("Yousef");
  auto d1 = f.Declare(latin);
  CHECK(d1.duplicate_status() == v1::POTENTIAL_DUPLICATE);
  REQUIRE(d1.duplicate_candidates_size() >= 1);
  CHECK(d1.duplicate_candidates(0).act_id() == act.id());
  CHECK(d1.duplicate_candidates(0).act_reference() == act.reference());

  // Latin names transliterated otherwise; the Arabic names match after normalisation.
  auto arabic = original;
  arabic.set_request_id(core::NewUuidV7());
  SetName(arabic.mutable_birth()->mutable_child(), "يُوسُف", "Jusuf", "العَلَوي", "Elalaoui");
  SetName(arabic.mutable_birth()->mutable_mother()->mutable_name(), "فاطِمة", "Fatma", "بنّاني",
          "Bannani");
  auto d2 = f.Declare(arabic);
  CHECK(d2.duplicate_status() == v1::POTENTIAL_DUPLICATE);

  // A flagged declaration is not registered until reviewed.
  f.Validate(d1.id());
  auto blocked = f.Register(d1.id());
  CHECK(blocked.status().code() == absl::StatusCode::kFailedPrecondition);
  CHECK(Reason(blocked.status()) == reasons::kPotentialDuplicate);

  v1::ReviewDuplicateRequest review;
  review.set_request_id(core::NewUuidV7());
  review.set_id(d1.id());
  review.set_decision(v1::NOT_DUPLICATE);
  CHECK(f.registry().ReviewDuplicate(f.Agent(), review).status().code() ==
        absl::StatusCode::kPermissionDenied);
  auto cleared = f.registry().ReviewDuplicate(f.Officer(), review);
  REQUIRE(cleared.ok());
  CHECK(cleared->duplicate_status() == v1::NOT_DUPLICATE);

  // d1 is still open, so d2's registration finds it at register time; the decision DUPLICATE
  // closes d2.
  review.set_request_id(core::NewUuidV7());
  review.set_id(d2.id());
  review.set_decision(v1::DUPLICATE);
  review.set_note("same child as act " + act.reference());
  auto closed = f.registry().ReviewDuplicate(f.Officer(), review);
  REQUIRE(closed.ok());
  CHECK(closed->state() == v1::REJECTED);
  CHECK(closed->duplicate_status() == v1::DUPLICATE);
  CHECK(absl::StrContains(closed->rejection_reason(), act.reference()));

  auto registered = f.Register(d1.id());
  INFO(registered.status().ToString());
  CHECK(registered.ok());
  // Every decision is in the audit trail.
  CHECK(f.Count("SELECT count(*) FROM audit_log WHERE action = 'sgec.ReviewDuplicate'") == 2);
}

TEST_CASE("sgec: the duplicate check runs again at registration", "[integration][sgec]") {
  SgecFixture f;
  auto first = f.BirthOf(7);
  auto d1 = f.Declare(first);
  CHECK(d1.duplicate_status() == v1::NO_MATCH);
  auto second = first;
  second.set_request_id(core::NewUuidV7());
  auto d2 = f.Declare(second);  // flagged: d1 is open
  CHECK(d2.duplicate_status() == v1::POTENTIAL_DUPLICATE);

  f.Validate(d1.id());
  auto refused = f.Register(d1.id());
  CHECK(Reason(refused.status()) == reasons::kPotentialDuplicate);
  // The flag was kept although the registration failed, and no number was used.
  v1::GetDeclarationRequest g;
  g.set_id(d1.id());
  auto now = f.registry().GetDeclaration(f.Officer(), g);
  REQUIRE(now.ok());
  CHECK(now->duplicate_status() == v1::POTENTIAL_DUPLICATE);
  CHECK(now->duplicate_candidates(0).declaration_id() == d2.id());
  CHECK(f.Count("SELECT count(*) FROM act_counters") == 0);
}

TEST_CASE("sgec: staff see their territory, citizens their own acts, the rest is NOT_FOUND",
          "[integration][sgec]") {
  SgecFixture f;
  v1::Act assilah = f.Registered(f.BirthOf(8, kAssilah));
  v1::Act casa = f.Registered(f.BirthOf(9, kCasablanca));

  v1::GetActRequest get;
  get.set_id(assilah.id());
  CHECK(f.registry().GetAct(f.Officer(kAssilah), get).ok());
  CHECK(f.registry().GetAct(f.Officer(kTanger), get).status().code() ==
        absl::StatusCode::kNotFound);
  CHECK(f.registry().GetAct(f.Officer(kCasablanca), get).status().code() ==
        absl::StatusCode::kNotFound);
  CHECK(f.registry().GetAct(C(P("cell", {"province_cell"}, {"01.511"})), get).ok());
  CHECK(f.registry().GetAct(C(P("cell", {"province_cell"}, {"06.141"})), get).status().code() ==
        absl::StatusCode::kNotFound);
  CHECK(f.registry().GetAct(C(P("dg", {"dgct"}, {"MA"})), get).ok());
  CHECK(f.registry().GetAct(C(P("me", {"citizen"}, {}, assilah.idcs())), get).ok());
  CHECK(f.registry().GetAct(C(P("you", {"citizen"}, {}, casa.idcs())), get).status().code() ==
        absl::StatusCode::kNotFound);
  // A role that never reads the registry (CHIKAYA's agent, a health facility): 403, not 404.
  CHECK(f.registry().GetAct(C(P("agent", {"agent"}, {kAssilah})), get).status().code() ==
        absl::StatusCode::kPermissionDenied);
  CHECK(f.registry().GetAct(C(P("clinic", {"health_facility"}, {kAssilah})), get).status().code() ==
        absl::StatusCode::kPermissionDenied);

  // Search: the name of Casablanca's act is invisible from Assilah.
  v1::SearchActsRequest search;
  search.mutable_names()->set_text(Word(9, false) + " " + Word(9 + 5000, false));
  auto from_assilah = f.registry().SearchActs(f.Officer(kAssilah), search);
  INFO(from_assilah.status().ToString());
  REQUIRE(from_assilah.ok());
  for (const auto& r : from_assilah->results()) CHECK(r.id() != casa.id());
  auto from_casa = f.registry().SearchActs(f.Officer(kCasablanca), search);
  REQUIRE(from_casa.ok());
  REQUIRE(from_casa->results_size() == 1);
  CHECK(from_casa->results(0).id() == casa.id());
  search.set_idcs(casa.idcs());
  CHECK(f.registry().SearchActs(f.Officer(kAssilah), search)->results_size() == 0);
  CHECK(f.registry().SearchActs(C(P("me", {"citizen"}, {}, casa.idcs())), search)->results_size() ==
        1);
  CHECK(f.registry()
            .SearchActs(C(P("you", {"citizen"}, {}, assilah.idcs())), search)
            ->results_size() == 0);

  // Declarations too.
  auto d = f.Declare(f.BirthOf(10, kCasablanca));
  v1::GetDeclarationRequest g;
  g.set_id(d.id());
  CHECK(f.registry().GetDeclaration(f.Agent(kAssilah), g).status().code() ==
        absl::StatusCode::kNotFound);
  v1::ListDeclarationsRequest list;
  list.set_bureau_code(kCasablanca);
  CHECK(f.registry().ListDeclarations(f.Agent(kAssilah), list).status().code() ==
        absl::StatusCode::kNotFound);
  auto listed = f.registry().ListDeclarations(f.Agent(kCasablanca), list);
  REQUIRE(listed.ok());
  CHECK(listed->declarations_size() == 1);
}

TEST_CASE("sgec: a parent's act is readable by the child's parents through their IDCS",
          "[integration][sgec]") {
  SgecFixture f;
  v1::Act father = f.Registered(f.BirthOf(11));
  auto child = f.BirthOf(12);
  auto* b = child.mutable_birth();
  b->mutable_father()->set_idcs(father.idcs());
  *b->mutable_father()->mutable_name() = father.birth().child();
  // The child's family name must be the father's registered one.
  SetName(b->mutable_child(), Word(12, true), Word(12, false), "غيرهم", "Autre");
  auto mismatch = f.registry().DeclareBirth(f.Agent(), child);
  CHECK(Reason(mismatch.status()) == reasons::kFamilyNameMismatch);
  *b->mutable_child()->mutable_family_name() = father.birth().child().family_name();
  child.set_request_id(core::NewUuidV7());
  v1::Act act = f.Registered(child);

  v1::GetActRequest get;
  get.set_id(act.id());
  CHECK(f.registry().GetAct(C(P("dad", {"citizen"}, {}, father.idcs())), get).ok());

  // A parent IDCS that is valid but registered nowhere.
  auto orphan = f.BirthOf(13);
  std::string unknown;
  do unknown = NewIdcs();
  while (unknown == father.idcs() || unknown == act.idcs());
  orphan.mutable_birth()->mutable_mother()->set_idcs(unknown);
  auto s = f.registry().DeclareBirth(f.Agent(), orphan).status();
  CHECK(Reason(s) == reasons::kParentNotFound);
  CHECK(core::FieldViolationsOf(s).front().field == "birth.mother.idcs");
}

TEST_CASE("sgec: registering a death mentions it on the birth act", "[integration][sgec]") {
  SgecFixture f;
  v1::Act birth = f.Registered(f.BirthOf(14, kAssilah, 20));

  v1::DeclareDeathRequest r;
  r.set_request_id(core::NewUuidV7());
  r.set_bureau_code(kTanger);
  auto* x = r.mutable_death();
  x->set_deceased_idcs(birth.idcs());
  *x->mutable_deceased() = birth.birth().child();
  x->set_sex(birth.birth().sex());
  SetDate(x->mutable_death_date(), absl::CivilDay(2026, 6, 15) - 21);  // the day before the birth
  x->mutable_place()->set_commune_code(kTanger);
  SetName(x->mutable_declarant()->mutable_name(), "سعيد", "Said", "التازي", "Tazi");
  x->mutable_declarant()->set_relation(v1::FATHER);
  CHECK(Reason(f.registry().DeclareDeath(f.Agent(kTanger), r).status()) ==
        reasons::kDeathBeforeBirth);

  SetDate(x->mutable_death_date(), absl::CivilDay(2026, 6, 14));
  r.set_request_id(core::NewUuidV7());
  const v1::Act tanger_birth = f.Registered(f.BirthOf(30, kTanger));
  auto d = f.registry().DeclareDeath(f.Agent(kTanger), r);
  REQUIRE(d.ok());
  f.Validate(d->id(), kTanger);
  auto death = f.Register(d->id(), kTanger);
  INFO(death.status().ToString());
  REQUIRE(death.ok());
  CHECK(death->kind() == v1::DEATH);
  CHECK(death->idcs() == birth.idcs());
  // Deaths are numbered in their own register: Tanger's first death of the year is number 1,
  // as its first birth.
  CHECK(tanger_birth.number() == 1);
  CHECK(death->number() == 1);

  v1::GetActRequest get;
  get.set_id(birth.id());
  auto after = f.registry().GetAct(f.Officer(), get);
  REQUIRE(after.ok());
  CHECK(after->deceased());
  REQUIRE(after->mentions_size() == 1);
  CHECK(after->mentions(0).kind() == v1::MENTION_DEATH);
  CHECK(after->mentions(0).death_act_id() == death->id());
  CHECK(f.Count("SELECT count(*) FROM outbox WHERE event_type = 'zp.sgec.v1.DeathRegistered'") ==
        1);
  CHECK(f.Count("SELECT count(*) FROM outbox WHERE event_type = 'zp.sgec.v1.MentionAdded'") == 1);

  // Searched by birth date, the death act answers for the deceased's birth date (taken from the
  // birth act), never for its date of death.
  auto by_birth_date = [&](absl::CivilDay day) {
    v1::SearchActsRequest search;
    search.set_kind(v1::DEATH);
    search.mutable_names()->set_text(Word(14, false) + " " + Word(14 + 5000, false));
    SetDate(search.mutable_names()->mutable_birth_date_from(), day);
    SetDate(search.mutable_names()->mutable_birth_date_to(), day);
    auto found = f.registry().SearchActs(f.Officer(kTanger), search);
    REQUIRE(found.ok());
    return found->results_size();
  };
  CHECK(by_birth_date(absl::CivilDay(2026, 6, 14)) == 0);       // the date of death
  CHECK(by_birth_date(absl::CivilDay(2026, 6, 15) - 20) == 1);  // the deceased's birth

  // A second declaration of the same death is a potential duplicate.
  r.set_request_id(core::NewUuidV7());
  auto again = f.registry().DeclareDeath(f.Agent(kTanger), r);
  REQUIRE(again.ok());
  CHECK(again->duplicate_status() == v1::POTENTIAL_DUPLICATE);
  // Unknown deceased IDCS.
  r.set_request_id(core::NewUuidV7());
  std::string unknown;
  do unknown = NewIdcs();
  while (unknown == birth.idcs());
  r.mutable_death()->set_deceased_idcs(unknown);
  CHECK(Reason(f.registry().DeclareDeath(f.Agent(kTanger), r).status()) ==
        reasons::kDeceasedNotFound);
}

TEST_CASE("sgec: mentions, rectifications change the current view, never the original",
          "[integration][sgec]") {
  SgecFixture f;
  v1::Act act = f.Registered(f.AdultBirthOf(15));

  v1::AddMentionRequest divorce;
  divorce.set_request_id(core::NewUuidV7());
  divorce.set_act_id(act.id());
  auto* m = divorce.mutable_mention();
  m->set_kind(v1::MENTION_DIVORCE);
  m->set_contract_reference("ADL-TNG-2026-0042");
  SetDate(m->mutable_contract_date(), absl::CivilDay(2026, 6, 10));
  SetName(m->mutable_spouse(), "سلمى", "Salma", "الفاسي", "El Fassi");
  CHECK(Reason(f.registry().AddMention(f.Officer(), divorce).status()) == reasons::kNoMarriage);

  v1::AddMentionRequest marriage = divorce;
  marriage.set_request_id(core::NewUuidV7());
  marriage.mutable_mention()->set_kind(v1::MENTION_MARRIAGE);
  auto married = f.registry().AddMention(f.Officer(), marriage);
  REQUIRE(married.ok());
  CHECK(married->mentions_size() == 1);
  CHECK(married->mentions(0).sequence() == 1);
  divorce.set_request_id(core::NewUuidV7());
  auto divorced = f.registry().AddMention(f.Officer(), divorce);
  REQUIRE(divorced.ok());
  CHECK(divorced->mentions(1).sequence() == 2);

  v1::AddMentionRequest fix;
  fix.set_request_id(core::NewUuidV7());
  fix.set_act_id(act.id());
  fix.mutable_mention()->set_kind(v1::MENTION_RECTIFICATION);
  auto* r = fix.mutable_mention()->add_rectifications();
  r->set_field("child.given_name.fr");
  r->set_value("Zakaria");
  CHECK(Reason(f.registry().AddMention(f.Officer(), fix).status()) == reasons::kRectificationBasis);
  auto* basis = fix.mutable_mention()->mutable_legal_basis();
  basis->set_authority("Tribunal de première instance de Tanger");
  basis->set_number("1234/2026");
  SetDate(basis->mutable_date(), absl::CivilDay(2026, 6, 12));
  CHECK(f.registry().AddMention(f.Officer(kTanger), fix).status().code() ==
        absl::StatusCode::kNotFound);
  auto fixed = f.registry().AddMention(f.Officer(), fix);
  REQUIRE(fixed.ok());
  CHECK(fixed->birth().child().given_name().fr() == Word(15, false));  // original kept
  CHECK(fixed->current_birth().child().given_name().fr() == "Zakaria");

  v1::GetActRequest get;
  get.set_id(act.id());
  auto read = f.registry().GetAct(f.Officer(), get);
  REQUIRE(read.ok());
  REQUIRE(read->mentions_size() == 3);
  for (int i = 0; i < 3; ++i) CHECK(read->mentions(i).sequence() == i + 1);
  CHECK(read->mentions(2).legal_basis().number() == "1234/2026");
  CHECK(read->current_birth().child().given_name().fr() == "Zakaria");

  // Search finds the current name.
  v1::SearchActsRequest search;
  search.mutable_names()->set_text("Zakaria " + Word(15 + 5000, false));
  auto found = f.registry().SearchActs(f.Officer(), search);
  REQUIRE(found.ok());
  REQUIRE(found->results_size() >= 1);
  CHECK(found->results(0).id() == act.id());

  // The database itself refuses edits of a registered act and of mentions.
  auto edit = f.Sql(absl::StrCat("UPDATE acts SET original = '\\x00' WHERE id = '", act.id(), "'"));
  CHECK_FALSE(edit.ok());
  auto erase = f.Sql(absl::StrCat("DELETE FROM mentions WHERE act_id = '", act.id(), "'"));
  CHECK_FALSE(erase.ok());
}

TEST_CASE("sgec: search by reference and by names, paged by cursor", "[integration][sgec]") {
  SgecFixture f;
  // Five children with one family name, in Latin and Arabic.
  std::vector<v1::Act> acts;
  for (int i = 0; i < 5; ++i) {
    auto req = f.BirthOf(20 + i, kAssilah, i);
    SetName(req.mutable_birth()->mutable_child(), Word(20 + i, true), Word(20 + i, false),
            "البقالي", "Bekkali");
    acts.push_back(f.Registered(req));
  }
  v1::SearchActsRequest by_ref;
  by_ref.mutable_reference()->set_bureau_code(kAssilah);
  by_ref.mutable_reference()->set_year(2026);
  by_ref.mutable_reference()->set_number(3);
  auto ref = f.registry().SearchActs(f.Officer(), by_ref);
  REQUIRE(ref.ok());
  REQUIRE(ref->results_size() == 1);
  CHECK(ref->results(0).reference() == absl::StrCat(kAssilah, "/2026/3"));

  std::set<std::string> seen;
  v1::SearchActsRequest by_name;
  by_name.mutable_names()->set_text("BEKKALI");
  by_name.set_page_size(2);
  for (int page = 0; page < 5; ++page) {
    auto res = f.registry().SearchActs(f.Officer(), by_name);
    REQUIRE(res.ok());
    for (const auto& s : res->results()) CHECK(seen.insert(s.id()).second);
    if (res->next_page_token().empty()) break;
    by_name.set_page_token(res->next_page_token());
  }
  CHECK(seen.size() == 5);

  v1::SearchActsRequest arabic;
  arabic.mutable_names()->set_text("البقّالي");  // with a shadda
  SetDate(arabic.mutable_names()->mutable_birth_date_from(), absl::CivilDay(2026, 6, 14));
  auto ar = f.registry().SearchActs(f.Officer(), arabic);
  REQUIRE(ar.ok());
  CHECK(ar->results_size() == 2);  // born 0 and 1 days ago

  v1::SearchActsRequest bad;
  bad.mutable_names()->set_text("ab");
  CHECK(core::FieldViolationsOf(f.registry().SearchActs(f.Officer(), bad).status()).front().field ==
        "names.text");
  bad.set_idcs("1234567890");
  CHECK(core::FieldViolationsOf(f.registry().SearchActs(f.Officer(), bad).status()).front().field ==
        "idcs");
  by_name.set_page_token("not a token!");
  CHECK(f.registry().SearchActs(f.Officer(), by_name).status().code() ==
        absl::StatusCode::kInvalidArgument);
}

TEST_CASE("sgec: the audit chain verifies, and a row changed through SQL is reported",
          "[integration][sgec]") {
  SgecFixture f;
  for (int i = 0; i < 3; ++i) f.Registered(f.BirthOf(30 + i));
  f.Registered(f.BirthOf(33, kCasablanca));
  Caller auditor = C(P("aud", {"auditor"}, {"MA"}));
  auto ok = f.registry().VerifyAuditChain(auditor, {});
  REQUIRE(ok.ok());
  CHECK(ok->intact());
  CHECK(ok->rows_checked() == 12);  // declare, validate, register x 4
  CHECK(ok->chains() == 2);
  CHECK(f.registry().VerifyAuditChain(f.Officer(), {}).status().code() ==
        absl::StatusCode::kPermissionDenied);

  // The table refuses changes; an administrator who disables the trigger is still caught.
  auto plain = f.Sql("UPDATE audit_log SET actor = 'nobody' WHERE id = 5");
  CHECK_FALSE(plain.ok());
  REQUIRE(f.Sql("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only").ok());
  REQUIRE(f.Sql("UPDATE audit_log SET actor = 'nobody' WHERE id = 5").ok());
  auto broken = f.registry().VerifyAuditChain(auditor, {});
  REQUIRE(broken.ok());
  CHECK_FALSE(broken->intact());
  CHECK(broken->first_broken_row() == 5);
  CHECK(broken->reason() == "row_hash");
  // Verifying only Casablanca's chain: intact.
  v1::VerifyAuditChainRequest casa;
  casa.set_territory(kCasablanca);
  auto other = f.registry().VerifyAuditChain(auditor, casa);
  REQUIRE(other.ok());
  CHECK(other->intact());
  CHECK(other->rows_checked() == 3);
  // Deleting a row breaks the sequence.
  REQUIRE(f.Sql("DELETE FROM audit_log WHERE id = (SELECT max(id) FROM audit_log "
                "WHERE chain = '06.141.01.0') - 1")
              .ok());
  auto gap = f.registry().VerifyAuditChain(auditor, casa);
  REQUIRE(gap.ok());
  CHECK_FALSE(gap->intact());
  CHECK(gap->reason() == "sequence");
}

TEST_CASE("sgec: auditors read the audit trail, newest first, filtered, within their territory",
          "[integration][sgec]") {
  SgecFixture f;
  const v1::Act first = f.Registered(f.BirthOf(40));
  f.clock_.Advance(absl::Hours(1));
  const v1::Act second = f.Registered(f.BirthOf(41));
  f.Registered(f.BirthOf(42, kCasablanca));
  const Caller national = C(P("aud", {"auditor"}, {"MA"}));
  const Caller tanger = C(P("aud-tanger", {"auditor"}, {"01.511"}));

  auto all = f.registry().ListAuditRecords(national, {});
  REQUIRE(all.ok());
  REQUIRE(all->records_size() == 9);  // declare, validate, register x 3
  for (int i = 1; i < all->records_size(); ++i) {
    CHECK(all->records(i).id() < all->records(i - 1).id());  // newest first
  }
  CHECK(all->records(0).action() == "sgec.RegisterAct");
  CHECK(all->records(0).territory() == kCasablanca);
  CHECK_FALSE(all->records(0).row_hash().empty());

  // Within the auditor's territory only; another territory is as if it did not exist.
  auto mine = f.registry().ListAuditRecords(tanger, {});
  REQUIRE(mine.ok());
  CHECK(mine->records_size() == 6);
  audit::v1::ListAuditRecordsRequest casa;
  casa.set_territory(kCasablanca);
  CHECK(f.registry().ListAuditRecords(tanger, casa).status().code() == absl::StatusCode::kNotFound);
  CHECK(f.registry().ListAuditRecords(national, casa)->records_size() == 3);

  // By resource, action, time; pages.
  audit::v1::ListAuditRecordsRequest by;
  by.set_resource(absl::StrCat("acts/", first.id()));
  auto act = f.registry().ListAuditRecords(national, by);
  REQUIRE(act.ok());
  REQUIRE(act->records_size() == 1);
  CHECK(act->records(0).action() == "sgec.RegisterAct");
  by.Clear();
  by.set_action("sgec.DeclareBirth");
  CHECK(f.registry().ListAuditRecords(national, by)->records_size() == 3);
  by.Clear();
  *by.mutable_to() = core::ToTimestamp(f.clock_.Now() - absl::Minutes(30));
  CHECK(f.registry().ListAuditRecords(national, by)->records_size() == 3);  // the first act's
  by.Clear();
  by.set_page_size(4);
  auto page1 = f.registry().ListAuditRecords(national, by);
  REQUIRE(page1->records_size() == 4);
  by.set_page_token(page1->next_page_token());
  auto page2 = f.registry().ListAuditRecords(national, by);
  REQUIRE(page2->records_size() == 4);
  CHECK(page2->records(0).id() < page1->records(3).id());
  by.set_page_token(page2->next_page_token());
  auto page3 = f.registry().ListAuditRecords(national, by);
  CHECK(page3->records_size() == 1);
  CHECK(page3->next_page_token().empty());

  // Bad input names its field; other roles may never read it.
  by.Clear();
  by.set_territory("99.999");
  CHECK(
      core::FieldViolationsOf(f.registry().ListAuditRecords(national, by).status()).front().field ==
      "territory");
  by.Clear();
  *by.mutable_from() = core::ToTimestamp(f.clock_.Now());
  *by.mutable_to() = core::ToTimestamp(f.clock_.Now() - absl::Hours(1));
  CHECK(
      core::FieldViolationsOf(f.registry().ListAuditRecords(national, by).status()).front().field ==
      "to");
  by.Clear();
  by.set_page_token("not a token!");
  CHECK(f.registry().ListAuditRecords(national, by).status().code() ==
        absl::StatusCode::kInvalidArgument);
  CHECK(f.registry().ListAuditRecords(f.Officer(), {}).status().code() ==
        absl::StatusCode::kPermissionDenied);
  (void)second;
}

TEST_CASE("sgec: bureaus: principal bureaus for every commune, others and consulates by the DGCT",
          "[integration][sgec]") {
  SgecFixture f;
  v1::ListBureausRequest list;
  list.set_commune_code(kAssilah);
  auto assilah = f.registry().ListBureaus(f.Agent(), list);
  REQUIRE(assilah.ok());
  REQUIRE(assilah->bureaus_size() == 1);
  CHECK(assilah->bureaus(0).code() == kAssilah);
  CHECK(f.Count("SELECT count(*) FROM bureaus") > 1500);

  // A province's cell pages through its communes' bureaus.
  v1::ListBureausRequest province;
  province.set_page_size(5);
  std::set<std::string> seen;
  for (int page = 0; page < 10; ++page) {
    auto r = f.registry().ListBureaus(C(P("cell", {"province_cell"}, {"01.511"})), province);
    REQUIRE(r.ok());
    for (const auto& b : r->bureaus()) {
      CHECK(b.commune_code().rfind("01.511.", 0) == 0);
      CHECK(seen.insert(b.code()).second);
    }
    if (r->next_page_token().empty()) break;
    province.set_page_token(r->next_page_token());
  }
  CHECK(seen.size() >= 10);

  v1::CreateBureauRequest create;
  create.set_request_id(core::NewUuidV7());
  create.mutable_bureau()->set_code("C-FR-LYON");
  create.mutable_bureau()->set_country_code("FR");
  create.mutable_bureau()->mutable_name()->set_ar("القنصلية العامة للمملكة المغربية بليون");
  create.mutable_bureau()->mutable_name()->set_fr("Consulat général du Maroc à Lyon");
  CHECK(f.registry().CreateBureau(f.Officer(), create).status().code() ==
        absl::StatusCode::kPermissionDenied);
  Caller dgct = C(P("dgct", {"dgct"}, {"MA"}));
  auto consulate = f.registry().CreateBureau(dgct, create);
  REQUIRE(consulate.ok());
  auto again = f.registry().CreateBureau(dgct, create);  // a retry: the same answer
  REQUIRE(again.ok());
  create.set_request_id(core::NewUuidV7());  // another request, same code
  CHECK(Reason(f.registry().CreateBureau(dgct, create).status()) == reasons::kBureauExists);
  create.set_request_id(core::NewUuidV7());
  create.mutable_bureau()->set_code("bad code");
  create.mutable_bureau()->set_country_code("MA");
  auto bad = f.registry().CreateBureau(dgct, create);
  CHECK(bad.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(core::FieldViolationsOf(bad.status()).size() == 2);

  // A birth abroad, declared at the consulate by national staff, eleven months later.
  auto req = f.BirthOf(60, kAssilah, 330);
  req.set_bureau_code("C-FR-LYON");
  req.mutable_birth()->mutable_place()->Clear();
  req.mutable_birth()->mutable_place()->set_country_code("FR");
  req.mutable_birth()->mutable_place()->set_city("Lyon");
  CHECK(f.registry().DeclareBirth(f.Agent(), req).status().code() == absl::StatusCode::kNotFound);
  auto d = f.registry().DeclareBirth(C(P("consul", {"civil_agent"}, {"MA"})), req);
  INFO(d.status().ToString());
  REQUIRE(d.ok());
  CHECK(d->commune_code().empty());
  CHECK(d->bureau_code() == "C-FR-LYON");
}

TEST_CASE("sgec: a missing bureau_code is a 400 naming it, an unknown one a 404",
          "[integration][sgec]") {
  SgecFixture f;
  auto req = f.BirthOf(61);
  req.set_bureau_code("");
  auto missing = f.registry().DeclareBirth(f.Agent(), req);
  CHECK(missing.status().code() == absl::StatusCode::kInvalidArgument);
  auto fields = core::FieldViolationsOf(missing.status());
  REQUIRE(fields.size() == 1);
  CHECK(fields[0].field == "bureau_code");
  v1::ListDeclarationsRequest list;
  auto listed = f.registry().ListDeclarations(f.Agent(), list);
  CHECK(listed.status().code() == absl::StatusCode::kInvalidArgument);
  v1::ListPossibleDuplicatesRequest duplicates;
  CHECK(f.registry().ListPossibleDuplicates(f.Agent(), duplicates).status().code() ==
        absl::StatusCode::kInvalidArgument);
  req.set_bureau_code("NO-SUCH-BUREAU");
  CHECK(f.registry().DeclareBirth(f.Agent(), req).status().code() == absl::StatusCode::kNotFound);
}

// The DeclarationStateChanged events in the outbox, oldest first, as "<previous>><state>".
std::vector<std::string> StateChanges(SgecFixture& f, const std::string& declaration_id) {
  auto conn = f.pool().Acquire();
  REQUIRE(conn.ok());
  auto rows = (*conn)->Exec(
      "SELECT value FROM outbox WHERE event_type = 'zp.sgec.v1.DeclarationStateChanged' "
      "AND key = $1 ORDER BY id",
      {declaration_id});
  REQUIRE(rows.ok());
  std::vector<std::string> out;
  for (int i = 0; i < rows->rows(); ++i) {
    events::v1::Event e;
    REQUIRE(e.ParseFromString(std::string(rows->Bytes(i, 0))));
    v1::DeclarationStateChanged changed;
    REQUIRE(changed.ParseFromString(e.payload()));
    CHECK(changed.declaration_id() == declaration_id);
    CHECK(e.territory() == kAssilah);
    out.push_back(absl::StrCat(v1::DeclarationState_Name(changed.previous_state()), ">",
                               v1::DeclarationState_Name(changed.state()), ":",
                               v1::DuplicateStatus_Name(changed.duplicate_status())));
  }
  return out;
}

TEST_CASE("sgec: every move of a declaration is an event: validated, rejected, flagged, decided",
          "[integration][sgec]") {
  SgecFixture f;
  // Validated, then rejected.
  v1::Declaration d = f.Declare(f.BirthOf(71));
  f.Validate(d.id());
  v1::RejectDeclarationRequest rej;
  rej.set_request_id(core::NewUuidV7());
  rej.set_id(d.id());
  rej.set_reason("the child was declared at another bureau");
  REQUIRE(f.registry().RejectDeclaration(f.Officer(), rej).ok());
  CHECK(StateChanges(f, d.id()) ==
        std::vector<std::string>{"DECLARED>VALIDATED:NO_MATCH", "VALIDATED>REJECTED:NO_MATCH"});
  // Flagged at registration (the registration fails, the flag and its event stay), then decided.
  auto first = f.BirthOf(72);
  v1::Declaration d1 = f.Declare(first);
  first.set_request_id(core::NewUuidV7());
  f.Declare(first);
  f.Validate(d1.id());
  CHECK(Reason(f.Register(d1.id()).status()) == reasons::kPotentialDuplicate);
  v1::ReviewDuplicateRequest review;
  review.set_request_id(core::NewUuidV7());
  review.set_id(d1.id());
  review.set_decision(v1::NOT_DUPLICATE);
  REQUIRE(f.registry().ReviewDuplicate(f.Officer(), review).ok());
  CHECK(StateChanges(f, d1.id()) ==
        std::vector<std::string>{"DECLARED>VALIDATED:NO_MATCH",
                                 "VALIDATED>VALIDATED:POTENTIAL_DUPLICATE",
                                 "VALIDATED>VALIDATED:NOT_DUPLICATE"});
  // A retried step (same request id) writes no second event.
  REQUIRE(f.registry().RejectDeclaration(f.Officer(), rej).ok());
  CHECK(StateChanges(f, d.id()).size() == 2);
  // Each event has its audit record, in the change's transaction.
  CHECK(f.Count("SELECT count(*) FROM audit_log WHERE action IN ('sgec.ValidateDeclaration', "
                "'sgec.RejectDeclaration', 'sgec.ReviewDuplicate', 'sgec.RegisterAct')") == 5);
}

TEST_CASE("sgec: a bureau created is an event", "[integration][sgec]") {
  SgecFixture f;
  v1::CreateBureauRequest create;
  create.set_request_id(core::NewUuidV7());
  create.mutable_bureau()->set_code("C-ES-MADRID");
  create.mutable_bureau()->set_country_code("ES");
  create.mutable_bureau()->mutable_name()->set_ar("القنصلية العامة للمملكة المغربية بمدريد");
  create.mutable_bureau()->mutable_name()->set_fr("Consulat général du Maroc à Madrid");
  REQUIRE(f.registry().CreateBureau(C(P("dgct", {"dgct"}, {"MA"})), create).ok());
  CHECK(f.Count("SELECT count(*) FROM outbox WHERE event_type = 'zp.sgec.v1.BureauCreated' "
                "AND key = 'C-ES-MADRID'") == 1);
}

TEST_CASE("sgec: a bureau's queue lists its open declarations, oldest first, by pages",
          "[integration][sgec]") {
  SgecFixture f;
  std::vector<std::string> ids;
  for (int i = 0; i < 7; ++i) ids.push_back(f.Declare(f.BirthOf(70 + i)).id());
  f.Validate(ids[0]);
  v1::ListDeclarationsRequest list;
  list.set_bureau_code(kAssilah);
  list.set_page_size(3);
  std::vector<std::string> listed;
  for (int page = 0; page < 5; ++page) {
    auto r = f.registry().ListDeclarations(f.Officer(), list);
    REQUIRE(r.ok());
    for (const auto& d : r->declarations()) listed.push_back(d.id());
    if (r->next_page_token().empty()) break;
    list.set_page_token(r->next_page_token());
  }
  CHECK(listed == ids);
  list.clear_page_token();
  list.set_state(v1::VALIDATED);
  auto validated = f.registry().ListDeclarations(f.Officer(), list);
  REQUIRE(validated.ok());
  REQUIRE(validated->declarations_size() == 1);
  CHECK(validated->declarations(0).id() == ids[0]);
  list.set_page_size(1001);
  CHECK(core::FieldViolationsOf(f.registry().ListDeclarations(f.Officer(), list).status())
            .front()
            .field == "page_size");
}

int Occurrences(const std::string& haystack, const std::string& needle) {
  int count = 0;
  for (size_t pos = haystack.find(needle); pos != std::string::npos;
       pos = haystack.find(needle, pos + 1)) {
    ++count;
  }
  return count;
}

TEST_CASE("sgec: events reach devkafka through the relay and kcat reads them",
          "[integration][sgec]") {
  SgecFixture f;
  events::RelayOptions options;
  options.conninfo = f.db().server_url();
  options.overrides = f.db().overrides();
  options.bootstrap_servers = testing::KafkaBootstrap();
  options.poll_interval = absl::Milliseconds(100);
  events::OutboxRelay relay(options);
  relay.Start();
  auto d = f.Declare(f.BirthOf(40));
  f.Validate(d.id());
  const std::string request_id = core::NewUuidV7();
  auto act = f.Register(d.id(), kAssilah, request_id);
  REQUIRE(act.ok());
  REQUIRE(f.Register(d.id(), kAssilah, request_id).ok());  // a retry: no second event
  REQUIRE(testing::Eventually([&] { return f.Count("SELECT count(*) FROM outbox") == 0; },
                              absl::Seconds(20)));
  relay.Stop();

  // kcat prints each message as "<key>|<value>"; the value is a zp.events.v1.Event whose type
  // names the payload.
  const std::string out = testing::CommandOutput(
      absl::StrCat("kcat -b ", testing::KafkaBootstrap(),
                   " -t zp.sgec.v1 -C -o beginning -e -q -f '%k|%s\\n' 2>/dev/null"));
  CHECK(Occurrences(out, act->id() + "|") == 1);
  // The declaration's: submitted, then validated (DeclarationStateChanged).
  CHECK(Occurrences(out, d.id() + "|") == 2);
  CHECK(out.find("zp.sgec.v1.DeclarationStateChanged") != std::string::npos);
  const size_t at = out.find(act->id() + "|");
  REQUIRE(at != std::string::npos);
  CHECK(out.find("zp.sgec.v1.ActRegistered", at) != std::string::npos);
  CHECK(out.find(act->idcs(), at) != std::string::npos);
}

}  // namespace
}  // namespace zp::sgec
