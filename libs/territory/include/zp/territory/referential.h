#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace zp::territory {

enum class Level {
  kCountry,
  kRegion,
  kProvince,
  kPrefecture,
  // Casablanca's 8 prefectures d'arrondissements: administrative divisions, not local authorities.
  kPrefectureOfArrondissements,
  kCommune,
};

absl::string_view LevelName(Level level);

inline constexpr absl::string_view kCountryCode = "MA";

struct Territory {
  std::string code;  // HCP code: "06" region, "06.141" province, "06.141.01.0" commune; "MA"
  Level level;
  std::string name_ar;
  std::string name_fr;
  std::string parent_code;  // empty for MA
  bool urban = false;       // communes only
  // True for regions, provinces, prefectures and communes: the 1,590 collectivités territoriales.
  bool IsLocalAuthority() const {
    return level == Level::kRegion || level == Level::kProvince || level == Level::kPrefecture ||
           level == Level::kCommune;
  }
};

// The referential of Morocco's territories, immutable once loaded and safe to share across threads.
class Referential {
 public:
  // The data compiled into the binary from data/territory (HCP, see data/territory/SOURCE.md).
  static absl::StatusOr<std::shared_ptr<const Referential>> LoadEmbedded();
  // Parses the three CSV files (header line first), checking that every parent exists.
  static absl::StatusOr<std::shared_ptr<const Referential>> Parse(absl::string_view regions_csv,
                                                                  absl::string_view provinces_csv,
                                                                  absl::string_view communes_csv);

  const Territory* Find(absl::string_view code) const;
  // The parent chain of `code`, nearest first, ending with MA; empty for MA or an unknown code.
  std::vector<const Territory*> Ancestors(absl::string_view code) const;
  // True when `code` is `ancestor` or lies inside it; false when either is unknown.
  bool IsWithin(absl::string_view code, absl::string_view ancestor) const;
  std::vector<const Territory*> Children(absl::string_view code) const;
  size_t size() const { return by_code_.size(); }
  size_t CountLevel(Level level) const;

 private:
  Referential() = default;
  absl::flat_hash_map<std::string, std::unique_ptr<Territory>> by_code_;
  absl::flat_hash_map<std::string, std::vector<const Territory*>> children_;
};

}  // namespace zp::territory
