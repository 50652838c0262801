#pragma once

// A declaration as the registry keeps it (table `declarations`): its document with the columns
// beside it, loaded, saved, and compared with the register for possible duplicates.

#include <optional>
#include <string>
#include <vector>

#include "services/sgec/src/registry_core.h"
#include "zp/core/uuid.h"
#include "zp/pg/transaction.h"
#include "zp/sgec/v1/events.pb.h"

namespace zp::sgec::internal {

struct DeclarationRow {
  v1::Declaration doc;
  std::string territory;
  std::vector<std::string> cleared;  // candidates reviewed as NOT_DUPLICATE (act or declaration)
};

// `query` selects doc, territory, cleared by `key` ($1: the id, or the reference); nullopt when
// there is none.
template <typename Db>
absl::StatusOr<std::optional<DeclarationRow>> LoadDeclarationBy(Db& db, const pg::Query& query,
                                                                const std::string& key) {
  ASSIGN_OR_RETURN(pg::Result r, db.Exec(query, {key}));
  if (r.rows() == 0) return std::optional<DeclarationRow>();
  DeclarationRow row;
  if (!row.doc.ParseFromString(r.Bytes(0, 0))) {
    return absl::DataLossError("declaration document does not parse");
  }
  row.territory = std::string(r.Text(0, 1));
  row.cleared = pg::ParseTextArray(r.Text(0, 2));
  return std::optional<DeclarationRow>(std::move(row));
}

// By id: nullopt as well when `id` is not a UUID.
template <typename Db>
absl::StatusOr<std::optional<DeclarationRow>> LoadDeclaration(Db& db, const pg::Query& query,
                                                              const std::string& id) {
  if (!core::IsUuid(id)) return std::optional<DeclarationRow>();
  return LoadDeclarationBy(db, query, id);
}

absl::Status SaveDeclaration(pg::Transaction& tx, const DeclarationRow& row, int64_t now);

// A declaration's move that makes no act (validated, rejected, flagged, decided).
v1::DeclarationStateChanged StateChangeOf(const v1::Declaration& d, v1::DeclarationState previous);

// Candidates for a declaration (excluding those already reviewed as NOT_DUPLICATE).
absl::StatusOr<std::vector<v1::DuplicateCandidate>> FindDuplicates(
    pg::Transaction& tx, const v1::Declaration& d, const std::vector<std::string>& cleared);
// Sets the candidates and the duplicate status they give.
void SetDuplicates(v1::Declaration& d, std::vector<v1::DuplicateCandidate> candidates);
// FAILED_PRECONDITION POTENTIAL_DUPLICATE: a reviewer must decide first.
absl::Status PotentialDuplicate(const v1::Declaration& d);

}  // namespace zp::sgec::internal
