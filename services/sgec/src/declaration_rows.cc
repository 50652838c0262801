#include "services/sgec/src/declaration_rows.h"

#include <algorithm>

#include "services/sgec/src/queries.h"

namespace zp::sgec::internal {

absl::Status SaveDeclaration(pg::Transaction& tx, const DeclarationRow& row, int64_t now) {
  return tx
      .Exec(sql::kUpdateDeclaration,
            {row.doc.id(), static_cast<int>(row.doc.state()),
             static_cast<int>(row.doc.duplicate_status()), pg::Param::Bytes(Serialize(row.doc)),
             absl::StrCat(now), pg::TextArray(row.cleared)})
      .status();
}

v1::DeclarationStateChanged StateChangeOf(const v1::Declaration& d, v1::DeclarationState previous) {
  v1::DeclarationStateChanged e;
  e.set_declaration_id(d.id());
  e.set_kind(d.kind());
  e.set_previous_state(previous);
  e.set_state(d.state());
  e.set_duplicate_status(d.duplicate_status());
  e.set_bureau_code(d.bureau_code());
  e.set_commune_code(d.commune_code());
  e.set_reason(d.rejection_reason());
  return e;
}

absl::StatusOr<std::vector<v1::DuplicateCandidate>> FindDuplicates(
    pg::Transaction& tx, const v1::Declaration& d, const std::vector<std::string>& cleared) {
  absl::StatusOr<pg::Result> r;
  if (d.has_birth()) {
    const auto& b = d.birth();
    Names child = NormalizedNames(b.child());
    Names mother = NormalizedNames(b.mother().name());
    r = tx.Exec(sql::kBirthCandidates,
                {DateText(b.birth_date()), child.ar, child.lat, b.mother().idcs(), mother.ar,
                 mother.lat, d.id(), child.key_ar(), child.key_lat()});
  } else {
    const auto& x = d.death();
    Names deceased = NormalizedNames(x.deceased());
    r = tx.Exec(sql::kDeathCandidates, {DateText(x.death_date()), deceased.ar, deceased.lat,
                                        x.deceased_idcs(), DateParam(x.deceased_birth_date()),
                                        d.id(), deceased.key_ar(), deceased.key_lat()});
  }
  if (!r.ok()) return r.status();
  std::vector<v1::DuplicateCandidate> out;
  for (int i = 0; i < r->rows(); ++i) {
    v1::DuplicateCandidate c;
    c.set_declaration_id(std::string(r->Text(i, 0)));
    c.set_act_id(std::string(r->Text(i, 1)));
    c.set_act_reference(std::string(r->Text(i, 2)));
    c.set_score(r->Double(i, 3));
    const std::string& id = c.act_id().empty() ? c.declaration_id() : c.act_id();
    if (std::find(cleared.begin(), cleared.end(), id) == cleared.end()) out.push_back(c);
  }
  return out;
}

void SetDuplicates(v1::Declaration& d, std::vector<v1::DuplicateCandidate> candidates) {
  d.clear_duplicate_candidates();
  for (auto& c : candidates) *d.add_duplicate_candidates() = std::move(c);
  if (d.duplicate_candidates_size() > 0) {
    d.set_duplicate_status(v1::POTENTIAL_DUPLICATE);
  } else if (d.duplicate_status() != v1::NOT_DUPLICATE) {
    d.set_duplicate_status(v1::NO_MATCH);
  }
}

absl::Status PotentialDuplicate(const v1::Declaration& d) {
  return RuleError(
      absl::StatusCode::kFailedPrecondition, reasons::kPotentialDuplicate, "",
      absl::StrCat("declaration ", d.id(), " may duplicate ", d.duplicate_candidates_size(),
                   " existing record(s); a reviewer must decide (ReviewDuplicate)"));
}

}  // namespace zp::sgec::internal
