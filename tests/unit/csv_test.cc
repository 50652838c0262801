#include "zp/core/csv.h"

#include "catch2/catch.hpp"

namespace zp::core {
namespace {

TEST_CASE("csv: fields are quoted only when they must be, formulas never run", "[csv]") {
  CHECK(CsvLine({"a", "12", "-3", "0.5"}) == "a,12,-3,0.5\r\n");
  CHECK(CsvLine({"Tanger, Assilah", "say \"hi\"", "two\nlines"}) ==
        "\"Tanger, Assilah\",\"say \"\"hi\"\"\",\"two\nlines\"\r\n");
  CHECK(CsvLine({"=HYPERLINK(\"x\")", "+1", "@SUM", "-", "-x"}) ==
        "\"'=HYPERLINK(\"\"x\"\")\",'+1,'@SUM,'-,'-x\r\n");
  CHECK(CsvLine({"أصيلة", ""}) == "أصيلة,\r\n");
  CHECK(CsvLine({}) == "\r\n");
}

}  // namespace
}  // namespace zp::core
