#include "zp/core/reference.h"

#include <catch2/catch.hpp>

#include "zp/core/status.h"

namespace zp::core {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1795000000);  // 2026

TEST_CASE("reference: generated references have the documented shape and validate", "[ref]") {
  for (int i = 0; i < 200; ++i) {
    std::string ref = HumanReference::Generate("WTQ", kNow);
    INFO(ref);
    REQUIRE(ref.size() == std::string("WTQ-2026-XXXXXXXC").size());
    CHECK(ref.substr(0, 9) == "WTQ-2026-");
    auto normalized = HumanReference::Normalize(ref, "reference");
    REQUIRE(normalized.ok());
    CHECK(*normalized == ref);
  }
}

TEST_CASE("reference: what people type is folded to the canonical form", "[ref]") {
  std::string ref = HumanReference::Generate("CHK", kNow);
  std::string typed;
  for (char c : ref) {
    if (c != '-') {
      typed.push_back(static_cast<char>(std::tolower(c)));
    }
  }
  CHECK(*HumanReference::Normalize(typed, "reference") == ref);
  // O for 0 and I/L for 1 are Crockford's look-alikes.
  std::string payload = "20261000000";
  std::string canonical =
      "CHK-2026-1000000" + std::string(1, HumanReference::CheckCharacter(payload));
  CHECK(*HumanReference::Normalize("chk 2026 IOOOOOO" + canonical.substr(canonical.size() - 1),
                                   "reference") == canonical);
}

TEST_CASE("reference: every single substitution and adjacent swap is detected", "[ref]") {
  const std::string ref =
      "WTQ-2026-K3M9Q2F" + std::string(1, HumanReference::CheckCharacter("2026K3M9Q2F"));
  REQUIRE(HumanReference::Normalize(ref, "reference").ok());
  const std::string alphabet(HumanReference::kAlphabet);
  for (size_t pos = 9; pos < ref.size(); ++pos) {
    for (char c : alphabet) {
      if (c == ref[pos]) {
        continue;
      }
      std::string typo = ref;
      typo[pos] = c;
      INFO(typo);
      CHECK_FALSE(HumanReference::Normalize(typo, "reference").ok());
    }
    if (pos + 1 < ref.size() && ref[pos] != ref[pos + 1]) {
      std::string swapped = ref;
      std::swap(swapped[pos], swapped[pos + 1]);
      INFO(swapped);
      CHECK_FALSE(HumanReference::Normalize(swapped, "reference").ok());
    }
  }
}

TEST_CASE("reference: malformed input names the field", "[ref]") {
  for (const char* bad :
       {"", "W-2026-K3M9Q2FA", "WTQ-26-K3M9Q2FA", "WTQ-2026-K3M9Q2", "WTQ-2026-K3M9Q2F!"}) {
    auto r = HumanReference::Normalize(bad, "order_reference");
    INFO(bad);
    REQUIRE(r.status().code() == absl::StatusCode::kInvalidArgument);
    CHECK(FieldViolationsOf(r.status())[0].field == "order_reference");
  }
}

}  // namespace
}  // namespace zp::core
