#pragma once

// An act as the registry keeps it (tables `acts` and `mentions`): loaded with its mentions and
// its current view, who may read it or have copies made, its search view, its events, and the
// DEATH mention a death act adds to the birth act of the deceased.

#include <optional>
#include <string>

#include "absl/time/civil_time.h"
#include "services/sgec/src/queries.h"
#include "services/sgec/src/registry_core.h"
#include "zp/pg/transaction.h"
#include "zp/sgec/v1/events.pb.h"

namespace zp::sgec::internal {

// An act as loaded, with the identities that decide who may read it.
struct ActRow {
  v1::Act act;
  std::string territory;
  std::string subject_idcs;
  std::string father_idcs;
  std::string mother_idcs;
};

// Row `i` of a query selecting sql's act columns (queries.h), without the mentions.
absl::StatusOr<ActRow> ParseActRow(const pg::Result& r, int i);
// Adds the mentions (rows of sql::kMentions) and computes the current view.
absl::Status CompleteAct(const pg::Result& mentions, ActRow& row);

// Loads an act with its mentions and computes its current view; nullopt when there is none.
template <typename Db>
absl::StatusOr<std::optional<ActRow>> LoadAct(Db& db, const pg::Query& query,
                                              const pg::Params& key) {
  ASSIGN_OR_RETURN(pg::Result r, db.Exec(query, key));
  if (r.rows() == 0) return std::optional<ActRow>();
  ASSIGN_OR_RETURN(ActRow row, ParseActRow(r, 0));
  ASSIGN_OR_RETURN(pg::Result m, db.Exec(sql::kMentions, {row.act.id()}));
  RETURN_IF_ERROR(CompleteAct(m, row));
  return std::optional<ActRow>(std::move(row));
}

template <typename Db>
absl::StatusOr<std::optional<ActRow>> LoadAct(Db& db, const pg::Query& query,
                                              const std::string& key) {
  return LoadAct(db, query, pg::Params{key});
}

RegisteredPerson PersonOf(const v1::Act& a);

// Writes a birth act's current view (names, words, keys, deceased) to its search columns.
absl::Status SaveActView(pg::Transaction& tx, const v1::Act& act, bool deceased);

v1::ActRegistered ActRegisteredOf(const v1::Act& act, const common::v1::Date& event_date);
v1::MentionAdded MentionAddedOf(const v1::Act& act, const v1::Mention& m);

// The DEATH mention on the deceased's birth act (locked by the caller), in the death act's
// transaction: the mention, the act's search view (deceased), its event and audit record.
absl::Status AddDeathMention(pg::Transaction& tx, const service::Recorder& recorder,
                             const Context& ctx, ActRow& birth_act, const v1::Act& death_act,
                             const common::v1::Date& death_date, int64_t now);

// Citizens may order copies of their own birth act and of their children's while they are minors.
inline constexpr int kMajorityAge = 18;

// On which ground `p` may have copies of a birth act made (issued or ordered), if any: their own
// act, their child's while the child is a minor on `today`, or civil-status staff of the act's
// territory; a service (WATIQA) for the order it serves, in its territory.
std::optional<v1::CopyEntitlement::Basis> CopyBasis(const auth::Principal& p, const ActRow& row,
                                                    const territory::Referential& referential,
                                                    absl::CivilDay today);

// Staff of the act's territory, and citizens named on it (subject, father, mother).
bool CanRead(const auth::Principal& p, const ActRow& row,
             const territory::Referential& referential);

}  // namespace zp::sgec::internal
