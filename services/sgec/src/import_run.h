#pragma once

// One ImportHistoricalActs call, as the sequence of its steps. Each batch is one transaction:
// records are validated with the rules of declarations (the registration date standing for
// "today"), compared by key (bureau, year, kind, number) with the register, and the new ones
// inserted as REGISTERED acts of origin HISTORICAL, each birth with a fresh IDCS, with their
// mentions, events (ActRegistered, in one statement) and one audit record for the batch. A
// record whose key is taken with identical content is "already present"; with different content
// it is a conflict, kept aside in import_conflicts and never written over the act. A stream that
// breaks off loses nothing committed, and rerunning the file completes it. An accepted act that
// looks like a person registered before is listed with its candidates.
//
//   Start           the import recorded under its client-chosen id (a rerun takes a new one)
//   Gather, Check   the next batch read from the stream; each record checked alone (no database)
//   WaitForOutbox   while the outbox relay is behind
//   Write           the batch in one transaction, retried when a concurrent import took a key:
//     CheckPeople      parents and the deceased against the register, by IDCS
//     ClassifyKeys     already present, conflicting, or new
//     BuildActs        the new acts: ids, kinds, current views
//     ClaimIdcs        a fresh IDCS for each birth
//     InsertActs       acts, name words, this year's counters, mentions
//     FindLookalikes   people registered before that the new acts look like
//     RecordActs       the new acts' events; the DEATH mention on the deceased's birth act
//     RecordOutcomes   the report's lines: rejections, conflicts, possible duplicates
//     RecordProgress   the batch's audit record, event and counts
//   Finish          the import marked finished
// While a batch is written (a thread of its own), the next one is gathered and checked; one
// batch at a time reaches the database, in stream order.

#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <unordered_set>
#include <vector>

#include "services/sgec/src/act_rows.h"
#include "services/sgec/src/historical_import.h"
#include "zp/pg/transaction.h"

namespace zp::sgec::internal {

class ImportRun {
 public:
  ImportRun(RegistryCore& core, const ImportOptions& options, const Caller& caller,
            std::string role, RecordStream& stream);

  absl::StatusOr<v1::ImportSummary> Run();

  // What a batch added up to.
  struct Counts {
    int64_t received = 0;
    int64_t accepted = 0;
    int64_t already_present = 0;
    int64_t conflicting = 0;
    int64_t rejected = 0;
    int64_t possible_duplicates = 0;  // among the accepted
  };

 private:
  struct Key {
    std::string bureau;
    int year;
    int kind;
    int number;
    bool operator<(const Key& o) const {
      return std::tie(bureau, year, kind, number) < std::tie(o.bureau, o.year, o.kind, o.number);
    }
  };
  // A record of the batch, as it goes through the steps.
  struct Item {
    int64_t ordinal = 0;
    v1::HistoricalRecord record;
    Key key;
    std::string digest;
    std::string territory;
    v1::ImportOutcome outcome = v1::IMPORT_OUTCOME_UNSPECIFIED;  // unspecified: to insert
    bool already_present = false;
    absl::Status rejection;
    std::string existing_act_id;
    v1::Act act;  // the act to insert (id, idcs, current view)
    std::optional<ActRow> deceased_birth_act;
    std::vector<v1::DuplicateCandidate> candidates;  // accepted, yet looks like a registered one
  };
  using Batch = std::vector<Item>;
  // The batch's transaction and what its steps pass on.
  struct Writing {
    pg::Transaction& tx;
    int64_t now;
    std::vector<Item*> fresh;            // the records that make new acts
    std::vector<std::string> new_words;  // name words not yet known to be in name_words
  };

  absl::Status Start(const v1::ImportHistoricalActsRequest& first);
  void Gather(Batch& batch, std::optional<v1::ImportHistoricalActsRequest>& pending, bool& more);
  absl::Status Check(Item& item) const;
  absl::Status WaitForOutbox();
  absl::StatusOr<Counts> Write(Batch& batch);
  absl::StatusOr<Counts> WriteOnce(Batch& batch);
  absl::Status CheckPeople(Writing& w, Batch& batch);
  absl::Status ClassifyKeys(Writing& w, Batch& batch);
  void BuildActs(Writing& w, Batch& batch);
  absl::Status ClaimIdcs(Writing& w);
  absl::Status InsertActs(Writing& w);
  absl::Status FindLookalikes(Writing& w);
  absl::StatusOr<std::vector<events::v1::Event>> RecordActs(Writing& w,
                                                            const service::Change& batch_change);
  absl::StatusOr<Counts> RecordOutcomes(Writing& w, const Batch& batch);
  absl::Status Finish();

  RegistryCore& core_;
  const ImportOptions& options_;
  const Caller& caller_;
  RecordStream& stream_;
  Context ctx_;
  std::string import_id_;
  absl::CivilDay today_;
  std::map<std::string, std::string> bureaus_;  // code -> territory
  int64_t ordinal_ = 0;
  // Words of name_words seen committed by this import (touched by the writing stage only).
  std::unordered_set<std::string> known_words_;
};

}  // namespace zp::sgec::internal
