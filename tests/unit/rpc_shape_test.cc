// The kit's bound on every string of a request (zp/rpc/method.h), before any rule sees it.
#include <catch2/catch.hpp>
#include <string>

#include "zp/core/status.h"
#include "zp/rpc/method.h"
#include "zp/sgec/v1/sgec.pb.h"

namespace zp::rpc {
namespace {

std::string FieldOf(const absl::Status& s) {
  auto v = core::FieldViolationsOf(s);
  return v.empty() ? "" : v[0].field;
}

TEST_CASE("rpc: a string of any request longer than the kit's bound is a 400 naming it",
          "[unit][rpc]") {
  sgec::v1::DeclareBirthRequest birth;
  birth.set_bureau_code("01.511.01.01");
  birth.mutable_birth()->mutable_child()->mutable_given_name()->set_fr("Youssef");
  CHECK(CheckStringLengths(birth).ok());
  // At the bound it passes, counted in characters (an Arabic letter is one, in two bytes).
  std::string arabic;
  for (size_t i = 0; i < kMaxStringCharacters; ++i) arabic += "\xd8\xa8";
  birth.mutable_birth()->mutable_child()->mutable_given_name()->set_ar(arabic);
  CHECK(CheckStringLengths(birth).ok());
  arabic += "\xd8\xa8";
  birth.mutable_birth()->mutable_child()->mutable_given_name()->set_ar(arabic);
  auto nested = CheckStringLengths(birth);
  CHECK(nested.code() == absl::StatusCode::kInvalidArgument);
  CHECK(FieldOf(nested) == "birth.child.given_name.ar");

  sgec::v1::GetActRequest get;
  get.set_id(std::string(9000, 'x'));
  CHECK(FieldOf(CheckStringLengths(get)) == "id");

  sgec::v1::AddMentionRequest mention;
  mention.mutable_mention()->add_rectifications()->set_value("Zakaria");
  mention.mutable_mention()->add_rectifications()->set_value(std::string(5000, 'z'));
  CHECK(FieldOf(CheckStringLengths(mention)) == "mention.rectifications[1].value");
  // Bytes are bounded by the message size, not here.
  sgec::v1::Mention m;
  CHECK(CheckStringLengths(m).ok());
}

}  // namespace
}  // namespace zp::rpc
