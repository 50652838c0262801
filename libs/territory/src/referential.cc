#include "zp/territory/referential.h"

#include <functional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "zp/core/embedded_file.h"

namespace zp::territory {

std::vector<core::EmbeddedFile> EmbeddedTerritoryFiles();

namespace {

using Row = absl::flat_hash_map<std::string, std::string>;

// The files have no quoted fields (checked here: a row with the wrong number of cells is an error).
absl::Status ForEachRow(absl::string_view csv, absl::string_view file,
                        const std::function<absl::Status(const Row&)>& fn) {
  std::vector<absl::string_view> lines = absl::StrSplit(csv, '\n', absl::SkipEmpty());
  if (lines.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(file, ": empty"));
  }
  std::vector<std::string> header =
      absl::StrSplit(absl::StripSuffix(absl::StripPrefix(lines[0], "\xEF\xBB\xBF"), "\r"), ',');
  for (size_t i = 1; i < lines.size(); ++i) {
    std::vector<absl::string_view> cells = absl::StrSplit(absl::StripSuffix(lines[i], "\r"), ',');
    if (cells.size() != header.size()) {
      return absl::InvalidArgumentError(absl::StrCat(file, ":", i + 1, ": expected ", header.size(),
                                                     " cells, found ", cells.size()));
    }
    Row row;
    for (size_t c = 0; c < cells.size(); ++c) {
      row[header[c]] = std::string(cells[c]);
    }
    if (absl::Status s = fn(row); !s.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(file, ":", i + 1, ": ", s.message()));
    }
  }
  return absl::OkStatus();
}

std::string Cell(const Row& row, const std::string& name) {
  auto it = row.find(name);
  return it == row.end() ? std::string() : it->second;
}

}  // namespace

absl::string_view LevelName(Level level) {
  switch (level) {
    case Level::kCountry:
      return "country";
    case Level::kRegion:
      return "region";
    case Level::kProvince:
      return "province";
    case Level::kPrefecture:
      return "prefecture";
    case Level::kPrefectureOfArrondissements:
      return "prefecture_of_arrondissements";
    case Level::kCommune:
      return "commune";
  }
  return "unknown";
}

absl::StatusOr<std::shared_ptr<const Referential>> Referential::LoadEmbedded() {
  absl::string_view regions, provinces, communes;
  for (const core::EmbeddedFile& f : EmbeddedTerritoryFiles()) {
    if (f.name == "regions.csv") {
      regions = f.content;
    } else if (f.name == "provinces.csv") {
      provinces = f.content;
    } else if (f.name == "communes.csv") {
      communes = f.content;
    }
  }
  return Parse(regions, provinces, communes);
}

absl::StatusOr<std::shared_ptr<const Referential>> Referential::Parse(
    absl::string_view regions_csv, absl::string_view provinces_csv,
    absl::string_view communes_csv) {
  std::shared_ptr<Referential> ref(new Referential());
  auto add = [&](Territory t) -> absl::Status {
    if (t.code.empty()) {
      return absl::InvalidArgumentError("empty code");
    }
    if (!t.parent_code.empty() && ref->Find(t.parent_code) == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("parent ", t.parent_code, " of ", t.code, " is unknown"));
    }
    std::string code = t.code;
    auto [it, inserted] = ref->by_code_.emplace(code, std::make_unique<Territory>(std::move(t)));
    if (!inserted) {
      return absl::InvalidArgumentError(absl::StrCat("duplicate code ", code));
    }
    if (!it->second->parent_code.empty()) {
      ref->children_[it->second->parent_code].push_back(it->second.get());
    }
    return absl::OkStatus();
  };
  if (absl::Status s = add({std::string(kCountryCode), Level::kCountry, "المملكة المغربية",
                            "Royaume du Maroc", "", false});
      !s.ok()) {
    return s;
  }
  absl::Status s = ForEachRow(regions_csv, "regions.csv", [&](const Row& r) {
    return add({Cell(r, "code"), Level::kRegion, Cell(r, "name_ar"), Cell(r, "name_fr"),
                std::string(kCountryCode), false});
  });
  if (!s.ok()) {
    return s;
  }
  // Prefectures d'arrondissements sit inside a prefecture whose code is their first two segments;
  // they are added once every province and prefecture is known.
  std::vector<Territory> arrondissement_prefectures;
  s = ForEachRow(provinces_csv, "provinces.csv", [&](const Row& r) -> absl::Status {
    std::string type = Cell(r, "type");
    Territory t{Cell(r, "code"),    Level::kProvince,       Cell(r, "name_ar"),
                Cell(r, "name_fr"), Cell(r, "region_code"), false};
    if (type == "province") {
      return add(std::move(t));
    }
    if (type == "prefecture") {
      t.level = Level::kPrefecture;
      return add(std::move(t));
    }
    if (type == "prefecture_of_arrondissements") {
      t.level = Level::kPrefectureOfArrondissements;
      std::vector<absl::string_view> parts = absl::StrSplit(t.code, '.');
      if (parts.size() >= 2) {
        t.parent_code = absl::StrCat(parts[0], ".", parts[1]);
      }
      arrondissement_prefectures.push_back(std::move(t));
      return absl::OkStatus();
    }
    return absl::InvalidArgumentError(absl::StrCat("unknown type ", type));
  });
  if (!s.ok()) {
    return s;
  }
  for (Territory& t : arrondissement_prefectures) {
    if (absl::Status added = add(std::move(t)); !added.ok()) {
      return added;
    }
  }
  s = ForEachRow(communes_csv, "communes.csv", [&](const Row& r) {
    return add({Cell(r, "code"), Level::kCommune, Cell(r, "name_ar"), Cell(r, "name_fr"),
                Cell(r, "province_code"), Cell(r, "type") == "urban"});
  });
  if (!s.ok()) {
    return s;
  }
  return std::shared_ptr<const Referential>(std::move(ref));
}

const Territory* Referential::Find(absl::string_view code) const {
  auto it = by_code_.find(code);
  return it == by_code_.end() ? nullptr : it->second.get();
}

std::vector<const Territory*> Referential::Ancestors(absl::string_view code) const {
  std::vector<const Territory*> out;
  const Territory* t = Find(code);
  while (t != nullptr && !t->parent_code.empty()) {
    t = Find(t->parent_code);
    out.push_back(t);
  }
  return out;
}

bool Referential::IsWithin(absl::string_view code, absl::string_view ancestor) const {
  const Territory* t = Find(code);
  if (t == nullptr || Find(ancestor) == nullptr) {
    return false;
  }
  for (; t != nullptr; t = t->parent_code.empty() ? nullptr : Find(t->parent_code)) {
    if (t->code == ancestor) {
      return true;
    }
  }
  return false;
}

std::vector<const Territory*> Referential::Children(absl::string_view code) const {
  auto it = children_.find(code);
  return it == children_.end() ? std::vector<const Territory*>{} : it->second;
}

size_t Referential::CountLevel(Level level) const {
  size_t n = 0;
  for (const auto& [code, t] : by_code_) {
    n += t->level == level ? 1 : 0;
  }
  return n;
}

}  // namespace zp::territory
