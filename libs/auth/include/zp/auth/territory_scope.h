#pragma once

// The territories a principal may see, in the one SQL form every scoped query uses:
//
//   constexpr pg::Query kList{"x_list", "SELECT ... WHERE "
//       ZP_IN_TERRITORY_SCOPE("territory", "$2", "$3") " ORDER BY ..."};
//   pool.Exec(kList, {..., scope.codes(), scope.prefixes(), ...});
//
// A national scope (the code MA) passes NULL codes and sees everything; a principal with no
// territory sees nothing.

#include <string>
#include <vector>

#include "zp/auth/principal.h"
#include "zp/pg/connection.h"

// True when `column` is one of the scope's codes or, for a scope that reaches below them, a code
// under one of them (HCP codes nest by dots: 01 > 01.511 > 01.511.01.01).
#define ZP_IN_TERRITORY_SCOPE(column, codes, prefixes)                           \
  "(" codes "::text[] IS NULL OR " column " = ANY(" codes "::text[]) OR " column \
  " LIKE ANY(" prefixes "::text[]))"

namespace zp::auth {

inline constexpr absl::string_view kNationalTerritory = "MA";

class TerritoryScope {
 public:
  enum class Depth {
    kWithin,  // the principal's codes and every territory below them (MA: the whole country)
    kExact,   // the principal's codes only (an authority's own staff)
  };
  static TerritoryScope Of(const Principal& p, Depth depth = Depth::kWithin);
  // One territory and everything below it (a statistic's area).
  static TerritoryScope Within(absl::string_view code);
  static TerritoryScope National() { return TerritoryScope(true, {}, Depth::kWithin); }
  static TerritoryScope Nothing() { return TerritoryScope(false, {}, Depth::kWithin); }

  bool national() const { return national_; }
  // Whether `code` is in the scope, as ZP_IN_TERRITORY_SCOPE decides it in a query (for the
  // in-memory stores of unit tests, and checks that hold one code).
  bool Contains(absl::string_view code) const;
  // The query's two parameters: the codes (NULL: national) and their "<code>.%" prefixes.
  pg::Param codes() const;
  pg::Param prefixes() const;

 private:
  TerritoryScope(bool national, std::vector<std::string> codes, Depth depth)
      : national_(national), codes_(std::move(codes)), depth_(depth) {}
  bool national_;
  std::vector<std::string> codes_;
  Depth depth_;
};

// True when the principal holds one of `roles`.
bool HasAnyRole(const Principal& p, std::initializer_list<absl::string_view> roles);

}  // namespace zp::auth
