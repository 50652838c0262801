// WATIQA's rules without servers: tariff, request checks, state machine, delivery state from
// Barid's events, S10 numbers, backoff, name matching for tracking.
#include <catch2/catch.hpp>

#include "services/watiqa/src/rules.h"
#include "zp/core/status.h"
#include "zp/core/uuid.h"

namespace zp::watiqa {
namespace {

v1::PlaceOrderRequest Valid() {
  v1::PlaceOrderRequest r;
  r.set_request_id(core::NewUuidV7());
  r.set_idcs("1234567897");
  r.set_kind(sgec::v1::FULL_COPY);
  r.set_copies(3);
  auto* a = r.mutable_address();
  a->set_country_code("MA");
  a->set_recipient("Youssef Alaoui");
  a->set_city("Assilah");
  a->set_postal_code("90050");
  a->add_lines("Derb Lhamam 4");
  r.mutable_contact()->set_phone("+212612345678");
  return r;
}

std::vector<std::string> Fields(const absl::Status& s) {
  std::vector<std::string> out;
  for (const auto& v : core::FieldViolationsOf(s)) out.push_back(v.field);
  return out;
}

TEST_CASE("watiqa tariff: every kind and destination, positive centimes", "[unit][watiqa]") {
  auto t = Tariff::Parse(kDefaultTariff);
  REQUIRE(t.ok());
  CHECK(t->PerCopy(sgec::v1::FULL_COPY, v1::MOROCCO) == 4000);
  CHECK(t->PerCopy(sgec::v1::EXTRACT, v1::ABROAD) == 8000);
  CHECK(t->ToProto().fees_size() == 4);
  CHECK_FALSE(Tariff::Parse("FULL_COPY:MOROCCO=4000").ok());  // pairs missing
  CHECK_FALSE(Tariff::Parse("FULL_COPY:MOROCCO=-1,FULL_COPY:ABROAD=1,EXTRACT:MOROCCO=1,"
                            "EXTRACT:ABROAD=1")
                  .ok());
  CHECK_FALSE(Tariff::Parse("COPY:MOROCCO=1,FULL_COPY:ABROAD=1,EXTRACT:MOROCCO=1,"
                            "EXTRACT:ABROAD=1")
                  .ok());
  auto spaced = Tariff::Parse(
      " FULL_COPY:MOROCCO = 1 , FULL_COPY:ABROAD=2,EXTRACT:MOROCCO=3,"
      "EXTRACT:ABROAD=4 ");
  REQUIRE(spaced.ok());
  CHECK(spaced->PerCopy(sgec::v1::EXTRACT, v1::MOROCCO) == 3);
}

TEST_CASE("watiqa orders: a valid request and its destination", "[unit][watiqa]") {
  CHECK(*ValidatePlaceOrder(Valid()) == v1::MOROCCO);
  auto abroad = Valid();
  abroad.mutable_address()->set_country_code("BE");
  abroad.mutable_address()->set_postal_code("1000");
  CHECK(*ValidatePlaceOrder(abroad) == v1::ABROAD);
  abroad.mutable_address()->clear_postal_code();  // not every country has them
  CHECK(ValidatePlaceOrder(abroad).ok());  // Codes of no country (reserved ones, lower case) are
                                           // refused, not charged the ABROAD fee.
  for (const char* code : {"XX", "EU", "UK", "ma"}) {
    abroad.mutable_address()->set_country_code(code);
    auto refused = ValidatePlaceOrder(abroad);
    CHECK(refused.status().code() == absl::StatusCode::kInvalidArgument);
    CHECK(core::FieldViolationsOf(refused.status()).at(0).field == "address.country_code");
  }
  abroad.mutable_address()->set_country_code("GB");
  CHECK(*ValidatePlaceOrder(abroad) == v1::ABROAD);
}

TEST_CASE("watiqa orders: every broken field is named at once", "[unit][watiqa]") {
  auto r = Valid();
  r.clear_idcs();
  r.set_copies(0);
  r.mutable_address()->set_country_code("Maroc");
  r.mutable_address()->set_city("");
  r.mutable_address()->set_recipient(std::string(101, 'a'));
  r.mutable_address()->add_lines("\x01");
  r.mutable_contact()->set_phone("+2126");
  r.mutable_contact()->set_email("a@b");
  auto s = ValidatePlaceOrder(r).status();
  CHECK(s.code() == absl::StatusCode::kInvalidArgument);
  CHECK(Fields(s) == std::vector<std::string>{
                         "act_reference", "copies", "address.country_code", "address.recipient",
                         "address.city", "address.lines[1]", "contact.email", "contact.phone"});
  auto no_request_id = Valid();
  no_request_id.set_request_id("x");
  CHECK(Fields(ValidatePlaceOrder(no_request_id).status()) ==
        std::vector<std::string>{"request_id"});
  auto reference = Valid();
  reference.mutable_act_reference()->set_bureau_code("01.511.01.01");
  CHECK(Fields(ValidatePlaceOrder(reference).status()) ==
        std::vector<std::string>{"act_reference.year", "act_reference.number"});
  auto many = Valid();
  many.set_copies(11);
  CHECK(Fields(ValidatePlaceOrder(many).status()) == std::vector<std::string>{"copies"});
}

TEST_CASE("watiqa orders: the state machine", "[unit][watiqa]") {
  CHECK(CanMove(v1::PLACED, v1::PAYMENT_PENDING));
  CHECK(CanMove(v1::PLACED, v1::PAID));  // paid at a TGR counter with the reference
  CHECK(CanMove(v1::PAYMENT_PENDING, v1::CANCELLED));
  CHECK_FALSE(CanMove(v1::PAID, v1::CANCELLED));
  CHECK(CanMove(v1::PAID, v1::REFUNDED));
  CHECK_FALSE(CanMove(v1::ISSUED, v1::REFUNDED));
  CHECK(CanMove(v1::ISSUED, v1::DELIVERED));
  CHECK_FALSE(CanMove(v1::CANCELLED, v1::PAID));
  CHECK_FALSE(CanMove(v1::DELIVERED, v1::DISPATCHED));
  for (auto s : {v1::DELIVERED, v1::RETURNED, v1::CANCELLED, v1::REFUNDED}) CHECK(IsFinal(s));
  CHECK_FALSE(IsFinal(v1::DISPATCHED));
}

TEST_CASE("watiqa delivery: the state follows the events by time, not by arrival",
          "[unit][watiqa]") {
  const absl::Time t = absl::FromUnixSeconds(1780000000);
  CHECK(DeliveryStateOf({}).state == v1::ISSUED);
  DeliveryEvent collected{v1::EVENT_COLLECTED, t, "Tanger", ""};
  DeliveryEvent delivered{v1::EVENT_DELIVERED, t + absl::Hours(30), "Assilah", ""};
  DeliveryEvent returned{v1::EVENT_UNDELIVERABLE, t + absl::Hours(50), "", "adresse inconnue"};
  CHECK(DeliveryStateOf({collected}).state == v1::DISPATCHED);
  auto a = DeliveryStateOf({delivered, collected});
  CHECK(a.state == v1::DELIVERED);
  CHECK(a.since == t + absl::Hours(30));
  CHECK(a.note == "Assilah");
  auto b = DeliveryStateOf({returned, delivered, collected});
  CHECK(b.state == v1::RETURNED);
  CHECK(b.note == "adresse inconnue");
  CHECK(DeliveryStateOf({collected, returned, delivered}).state == v1::RETURNED);
}

TEST_CASE("watiqa delivery: UPU S10 tracking numbers", "[unit][watiqa]") {
  CHECK(IsS10TrackingNumber("RR123456785MA"));  // UPU S10 example: check digit 5
  CHECK_FALSE(IsS10TrackingNumber("RR123456789MA"));
  CHECK_FALSE(IsS10TrackingNumber("rr123456785MA"));
  CHECK_FALSE(IsS10TrackingNumber("RR12345678MA"));
  CHECK_FALSE(IsS10TrackingNumber("RR1234567X5MA"));
}

TEST_CASE("watiqa issuance: backoff doubles up to its cap", "[unit][watiqa]") {
  CHECK(IssueBackoff(1) == absl::Seconds(1));
  CHECK(IssueBackoff(2) == absl::Seconds(2));
  CHECK(IssueBackoff(4) == absl::Seconds(8));
  CHECK(IssueBackoff(30) == absl::Minutes(5));
  CHECK(IssueBackoff(1000, absl::Seconds(10)) == absl::Seconds(10));
}

TEST_CASE("watiqa tracking: names compared after normalisation, in either script",
          "[unit][watiqa]") {
  auto keys = FamilyNameKeys("العلوي", "El Alaoui");
  CHECK(NameMatches(keys, "el alaoui"));
  CHECK(NameMatches(keys, "EL-ALAOUI"));
  CHECK(NameMatches(keys, "العلوى"));  // alef maqsura typed for yaa
  CHECK_FALSE(NameMatches(keys, "Alaoui"));
  CHECK_FALSE(NameMatches(keys, ""));
  CHECK_FALSE(NameMatches(keys, "   "));
}

}  // namespace
}  // namespace zp::watiqa
