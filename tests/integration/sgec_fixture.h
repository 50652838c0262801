#pragma once

// The SGEC registry on a database of its own, with helpers that declare and register people.
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "catch2/catch.hpp"
#include "services/sgec/src/registry.h"
#include "tests/support/historical_records.h"
#include "tests/support/keys.h"
#include "tests/support/migrated_database.h"
#include "zp/core/clock.h"
#include "zp/core/status.h"
#include "zp/core/uuid.h"
#include "zp/documents/signing.h"
#include "zp/pg/migrations.h"
#include "zp/pg/test_database.h"
#include "zp/sgec/migrations.h"

namespace zp::sgec::fixture {

constexpr char kAssilah[] = "01.511.01.01";    // commune, province 01.511 (Tanger-Assilah)
constexpr char kTanger[] = "01.511.01.0";      // commune, same province
constexpr char kCasablanca[] = "06.141.01.0";  // commune, another region

inline std::string Reason(const absl::Status& s) { return core::ReasonOf(s).value_or(""); }

inline auth::Principal P(const std::string& subject, std::initializer_list<const char*> roles,
                         std::initializer_list<const char*> territories, std::string idcs = "") {
  auth::Principal p;
  p.subject = subject;
  for (const char* r : roles) p.roles.emplace_back(r);
  for (const char* t : territories) p.territories.emplace_back(t);
  p.idcs = std::move(idcs);
  return p;
}

inline Caller C(auth::Principal p) { return Caller::ForPrincipal(std::move(p)); }

// Letters from a number (tests/support/historical_records.h): distinct people get names that
// share no trigram by accident.
inline std::string Word(int n, bool arabic) { return zp::testing::RegisterWord(n, arabic); }

inline void SetName(v1::PersonName* n, const std::string& given_ar, const std::string& given_fr,
                    const std::string& family_ar, const std::string& family_fr) {
  n->mutable_given_name()->set_ar(given_ar);
  n->mutable_given_name()->set_fr(given_fr);
  n->mutable_family_name()->set_ar(family_ar);
  n->mutable_family_name()->set_fr(family_fr);
}

inline void SetDate(common::v1::Date* d, absl::CivilDay day) {
  d->set_year(static_cast<int>(day.year()));
  d->set_month(day.month());
  d->set_day(day.day());
}

class SgecFixture {
 public:
  SgecFixture() {
    testing::MigratedDatabase migrated = testing::NewMigratedDatabase(Migrations().value(), 16);
    db_ = std::move(migrated.db);
    pool_ = std::move(migrated.pool);
    ref_ = *territory::Referential::LoadEmbedded();
    clock_.Set(absl::FromCivil(absl::CivilSecond(2026, 6, 15, 10, 0, 0), absl::UTCTimeZone()));
    registry_ = std::make_unique<Registry>(*pool_, ref_, clock_);
    REQUIRE(registry_->SeedBureaus().ok());
    // Signed copies with a key of the test's own.
    auto signer = documents::Signer::FromPem(zp::testing::GenerateEcKeyPair().private_pem);
    REQUIRE(signer.ok());
    signer_ = *std::move(signer);
    registry_->EnableDocuments(*signer_, "https://zeropapier.test/v/");
  }

  Registry& registry() { return *registry_; }
  pg::Pool& pool() { return *pool_; }
  const pg::TestDatabase& db() const { return *db_; }

  absl::StatusOr<pg::Result> Sql(const std::string& sql) {
    auto conn = pool_->Acquire();
    if (!conn.ok()) return conn.status();
    return (*conn)->Exec(sql);
  }

  int64_t Count(const std::string& sql) { return testing::QueryCount(*pool_, sql); }

  // A birth of person `n` in `commune`, `days_ago` days before today.
  v1::DeclareBirthRequest BirthOf(int n, const std::string& commune = kAssilah, int days_ago = 3) {
    v1::DeclareBirthRequest r;
    r.set_request_id(core::NewUuidV7());
    r.set_bureau_code(commune);
    auto* b = r.mutable_birth();
    SetName(b->mutable_child(), Word(n, true), Word(n, false), Word(n + 5000, true),
            Word(n + 5000, false));
    b->set_sex(n % 2 ? v1::MALE : v1::FEMALE);
    SetDate(b->mutable_birth_date(), absl::CivilDay(2026, 6, 15) - days_ago);
    b->mutable_place()->set_commune_code(commune);
    SetName(b->mutable_mother()->mutable_name(), Word(n + 9000, true), Word(n + 9000, false),
            Word(n + 13000, true), Word(n + 13000, false));
    SetName(b->mutable_declarant()->mutable_name(), Word(n + 17000, true), Word(n + 17000, false),
            Word(n + 5000, true), Word(n + 5000, false));
    b->mutable_declarant()->set_relation(v1::FATHER);
    return r;
  }

  // Person `n` born in 1995 and declared late on a judgment: an adult, whom marriages and
  // divorces may concern.
  v1::DeclareBirthRequest AdultBirthOf(int n, const std::string& commune = kAssilah) {
    v1::DeclareBirthRequest r = BirthOf(n, commune);
    SetDate(r.mutable_birth()->mutable_birth_date(), absl::CivilDay(1995, 3, 1));
    auto* judgment = r.mutable_birth()->mutable_judgment();
    judgment->set_authority("Tribunal de première instance de Tanger");
    judgment->set_number(absl::StrCat(n, "/2026"));
    SetDate(judgment->mutable_date(), absl::CivilDay(2026, 6, 1));
    return r;
  }

  Caller Agent(const char* commune = kAssilah) {
    return C(P(absl::StrCat("agent-", commune), {"civil_agent"}, {commune}));
  }
  Caller Officer(const char* commune = kAssilah) {
    return C(P(absl::StrCat("officer-", commune), {"civil_officer"}, {commune}));
  }

  v1::Declaration Declare(const v1::DeclareBirthRequest& r) {
    auto d = registry_->DeclareBirth(Agent(r.bureau_code().c_str()), r);
    INFO(d.status().ToString());
    REQUIRE(d.ok());
    return *d;
  }

  v1::Declaration Validate(const std::string& id, const char* commune = kAssilah) {
    v1::ValidateDeclarationRequest v;
    v.set_request_id(core::NewUuidV7());
    v.set_id(id);
    auto d = registry_->ValidateDeclaration(Agent(commune), v);
    INFO(d.status().ToString());
    REQUIRE(d.ok());
    return *d;
  }

  absl::StatusOr<v1::Act> Register(const std::string& id, const char* commune = kAssilah,
                                   std::string request_id = core::NewUuidV7()) {
    v1::RegisterActRequest r;
    r.set_request_id(std::move(request_id));
    r.set_declaration_id(id);
    return registry_->RegisterAct(Officer(commune), r);
  }

  // Declared, validated and registered.
  v1::Act Registered(const v1::DeclareBirthRequest& r) {
    const char* commune = r.bureau_code().c_str();
    auto d = Declare(r);
    Validate(d.id(), commune);
    auto act = Register(d.id(), commune);
    INFO(act.status().ToString());
    REQUIRE(act.ok());
    return *act;
  }

  core::ManualClock clock_;

 private:
  std::unique_ptr<pg::TestDatabase> db_;
  std::unique_ptr<pg::Pool> pool_;
  std::shared_ptr<const territory::Referential> ref_;
  std::unique_ptr<documents::Signer> signer_;
  std::unique_ptr<Registry> registry_;

 public:
  const documents::Signer& signer() const { return *signer_; }
  const territory::Referential& referential() const { return *ref_; }
};

}  // namespace zp::sgec::fixture
