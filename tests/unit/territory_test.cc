#include <catch2/catch.hpp>

#include "zp/territory/referential.h"

namespace zp::territory {
namespace {

std::shared_ptr<const Referential> Load() {
  static auto* ref = new std::shared_ptr<const Referential>(*Referential::LoadEmbedded());
  return *ref;
}

TEST_CASE("territory: the 1,590 local authorities of Morocco are all there", "[territory]") {
  auto ref = Load();
  CHECK(ref->CountLevel(Level::kRegion) == 12);
  CHECK(ref->CountLevel(Level::kProvince) == 62);
  CHECK(ref->CountLevel(Level::kPrefecture) == 13);
  CHECK(ref->CountLevel(Level::kPrefectureOfArrondissements) == 8);
  CHECK(ref->CountLevel(Level::kCommune) == 1503);
  size_t authorities = 0;
  for (Level l : {Level::kRegion, Level::kProvince, Level::kPrefecture, Level::kCommune}) {
    authorities += ref->CountLevel(l);
  }
  CHECK(authorities == 1590);
  CHECK(ref->size() == 1590 + 8 + 1);
}

TEST_CASE("territory: lookups by code with Arabic and French names", "[territory]") {
  auto ref = Load();
  const Territory* tanger = ref->Find("01.511.01.0");
  REQUIRE(tanger != nullptr);
  CHECK(tanger->level == Level::kCommune);
  CHECK(tanger->name_fr == "Tanger");
  CHECK(tanger->name_ar == "طنجة");
  CHECK(tanger->urban);
  CHECK(tanger->parent_code == "01.511");
  CHECK(ref->Find("99.999") == nullptr);
}

TEST_CASE("territory: parent chain and IsWithin", "[territory]") {
  auto ref = Load();
  auto chain = ref->Ancestors("01.511.01.01");
  REQUIRE(chain.size() == 3);
  CHECK(chain[0]->code == "01.511");
  CHECK(chain[1]->code == "01");
  CHECK(chain[2]->code == "MA");
  CHECK(ref->IsWithin("01.511.01.01", "01.511.01.01"));
  CHECK(ref->IsWithin("01.511.01.01", "01.511"));
  CHECK(ref->IsWithin("01.511.01.01", "01"));
  CHECK(ref->IsWithin("01.511.01.01", "MA"));
  CHECK_FALSE(ref->IsWithin("01.511.01.01", "02"));
  CHECK_FALSE(ref->IsWithin("01.511", "01.511.01.01"));
  CHECK_FALSE(ref->IsWithin("unknown", "MA"));
  CHECK_FALSE(ref->IsWithin("01", "unknown"));
  // Casablanca's prefectures d'arrondissements sit inside the prefecture of Casablanca.
  CHECK(ref->IsWithin("06.141.01.10", "06.141"));
  CHECK(ref->Children("01").size() == 8);
}

TEST_CASE("territory: a row whose parent is unknown is refused", "[territory]") {
  auto bad = Referential::Parse("code,name_fr,name_ar\n01,A,ا\n",
                                "code,name_fr,name_ar,type,region_code\n01.1,B,ب,province,09\n",
                                "code,name_fr,name_ar,type,province_code\n");
  CHECK_FALSE(bad.ok());
  auto short_row = Referential::Parse("code,name_fr,name_ar\n01,A\n", "code\n", "code\n");
  CHECK_FALSE(short_row.ok());
}

}  // namespace
}  // namespace zp::territory
