#include "zp/core/uuid.h"

#include <catch2/catch.hpp>
#include <set>

#include "zp/core/clock.h"

namespace zp::core {
namespace {

TEST_CASE("uuid: v7 layout carries the clock's milliseconds, version and variant", "[uuid]") {
  ManualClock clock(absl::FromUnixMillis(1767225600123));
  UuidV7Generator gen(clock);
  std::string id = gen.Next();
  REQUIRE(IsUuid(id));
  CHECK(id[14] == '7');
  CHECK(std::string("89ab").find(id[19]) != std::string::npos);
  CHECK(UuidV7Millis(id) == 1767225600123);
}

TEST_CASE("uuid: ids from one generator sort in creation order, even within a millisecond",
          "[uuid]") {
  ManualClock clock;
  UuidV7Generator gen(clock);
  std::vector<std::string> ids;
  for (int i = 0; i < 10000; ++i) {
    if (i % 1000 == 0) {
      clock.Advance(absl::Milliseconds(1));
    }
    ids.push_back(gen.Next());
  }
  CHECK(std::is_sorted(ids.begin(), ids.end()));
  CHECK(std::set<std::string>(ids.begin(), ids.end()).size() == ids.size());
}

TEST_CASE("uuid: a clock that steps back does not break ordering", "[uuid]") {
  ManualClock clock(absl::FromUnixMillis(2000000));
  UuidV7Generator gen(clock);
  std::string a = gen.Next();
  clock.Set(absl::FromUnixMillis(1000000));
  std::string b = gen.Next();
  CHECK(a < b);
}

TEST_CASE("uuid: validation", "[uuid]") {
  CHECK(IsUuid("0193a3c4-5e6f-7abc-8def-0123456789ab"));
  CHECK_FALSE(IsUuid("0193a3c4-5e6f-7abc-8def-0123456789a"));
  CHECK_FALSE(IsUuid("0193a3c4x5e6f-7abc-8def-0123456789ab"));
  CHECK_FALSE(IsUuid("0193a3c4-5e6f-7abc-8def-0123456789ag"));
  CHECK(UuidV7Millis("0193a3c4-5e6f-4abc-8def-0123456789ab") == -1);
  CHECK(IsUuid(NewUuidV7()));
}

}  // namespace
}  // namespace zp::core
