#pragma once

// CHIKAYA's store in memory, for unit tests of the desk's rules: units of work that commit or
// leave nothing, request ids answered with the first response, and every recorded change kept
// (recorded_changes.h) for the tests to read.

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/chikaya/src/complaint_store.h"
#include "tests/support/fake_idempotency.h"
#include "tests/support/recorded_changes.h"
#include "zp/chikaya/v1/events.pb.h"
#include "zp/core/status.h"
#include "zp/pg/connection.h"

namespace zp::testing {

class FakeComplaintStore final : public chikaya::ComplaintStore {
 public:
  struct State {
    std::map<std::string, chikaya::StoredComplaint> complaints;
    std::vector<RecordedChange> changes;
  };

  FakeComplaintStore() {
    for (const char* code : {"roads", "lighting", "waste", "other"}) {
      categories_.insert({chikaya::v1::COMPLAINT, code});
    }
    categories_.insert({chikaya::v1::SUGGESTION, "digital"});
  }

  const State& state() const { return units_.state(); }
  // The events of `type` recorded for complaint `id`, in order.
  template <typename Event>
  std::vector<Event> EventsOf(const std::string& id) const {
    return testing::EventsOf<Event>(state().changes, absl::StrCat("complaints/", id));
  }

  absl::StatusOr<std::string> Idempotent(
      const service::IdempotentCall& call,
      const std::function<absl::StatusOr<std::string>(chikaya::ComplaintTx&)>& work) override {
    return units_.Run(call, [&](State& working) {
      Tx tx(working);
      return work(tx);
    });
  }

  absl::StatusOr<std::optional<chikaya::StoredComplaint>> Get(const std::string& id) override {
    auto it = state().complaints.find(id);
    if (it == state().complaints.end()) return std::nullopt;
    return it->second;
  }
  absl::StatusOr<std::optional<chikaya::StoredComplaint>> ByReference(
      const std::string& reference) override {
    for (const auto& [id, c] : state().complaints) {
      if (c.doc.reference() == reference) return c;
    }
    return std::nullopt;
  }
  absl::StatusOr<std::vector<chikaya::v1::Complaint>> List(
      const chikaya::ComplaintFilter& f) override {
    std::vector<chikaya::v1::Complaint> out;
    for (const auto& [id, c] : state().complaints) {  // std::map: by id, as the index
      const chikaya::v1::Complaint& d = c.doc;
      if (!f.scope.Contains(d.authority_code()) ||
          (!f.authority_code.empty() && d.authority_code() != f.authority_code) ||
          (!f.submitter.empty() && d.submitter() != f.submitter) ||
          (f.state != chikaya::v1::STATE_UNSPECIFIED && d.state() != f.state) ||
          (f.overdue_only && !d.overdue()) || (f.after_id.has_value() && id <= *f.after_id) ||
          !chikaya::MatchesWords(chikaya::ComplaintWords(d), f.words)) {
        continue;
      }
      out.push_back(d);
      if (static_cast<int>(out.size()) > f.limit) break;
    }
    return out;
  }
  absl::StatusOr<std::vector<chikaya::v1::Category>> Categories(chikaya::v1::Kind kind) override {
    std::vector<chikaya::v1::Category> out;
    for (const auto& [k, code] : categories_) {
      if (kind != chikaya::v1::KIND_UNSPECIFIED && k != kind) continue;
      chikaya::v1::Category c;
      c.set_kind(k);
      c.set_code(code);
      out.push_back(c);
    }
    return out;
  }
  absl::StatusOr<bool> HasCategory(chikaya::v1::Kind kind, const std::string& code) override {
    return categories_.count({kind, code}) > 0;
  }
  absl::StatusOr<chikaya::v1::Attachment> PutAttachment(const std::string& content,
                                                        const std::string& declared) override {
    ASSIGN_OR_RETURN(files::StoredFile f,
                     files::Describe(chikaya::AttachmentKind(), content, declared, "content"));
    api::v1::HttpBody& body = attachments_[f.sha256];
    body.set_content_type(f.mime_type);
    body.set_data(content);
    chikaya::v1::Attachment a;
    a.set_sha256(f.sha256);
    a.set_content_type(f.mime_type);
    a.set_size(f.size);
    return a;
  }
  absl::StatusOr<bool> HasAttachment(const std::string& sha256) override {
    return attachments_.count(sha256) > 0;
  }
  absl::StatusOr<std::optional<api::v1::HttpBody>> GetAttachment(
      const std::string& sha256) override {
    auto it = attachments_.find(sha256);
    if (it == attachments_.end()) return std::nullopt;
    return it->second;
  }
  // Counts that tests set, by territory; every month and kind of a request reads the same.
  absl::StatusOr<chikaya::StatCountsByTerritory> StatCounts(
      const std::vector<std::string>& territories, const chikaya::v1::StatsRequest&) override {
    ++stats_reads;
    chikaya::StatCountsByTerritory out;
    for (const std::string& t : territories) {
      auto it = stat_counts.find(t);
      if (it != stat_counts.end()) out[t] = it->second;
    }
    return out;
  }
  std::map<std::string, chikaya::StatCounts> stat_counts;
  int stats_reads = 0;

 private:
  class Tx final : public chikaya::ComplaintTx {
   public:
    explicit Tx(State& working) : working(working) {}
    absl::StatusOr<std::optional<chikaya::StoredComplaint>> Lock(const std::string& id) override {
      auto it = working.complaints.find(id);
      if (it == working.complaints.end()) return std::nullopt;
      return it->second;
    }
    absl::StatusOr<chikaya::Deadlines> DeadlinesOf(chikaya::v1::Kind) override {
      return chikaya::Deadlines{15, 60, false};
    }
    absl::Status Insert(const chikaya::v1::Complaint& doc,
                        const std::string& tracking_hash) override {
      if (!working.complaints.emplace(doc.id(), chikaya::StoredComplaint{doc, tracking_hash})
               .second) {
        return absl::AlreadyExistsError("complaint id");
      }
      return absl::OkStatus();
    }
    absl::Status Update(const chikaya::v1::Complaint& doc) override {
      auto it = working.complaints.find(doc.id());
      if (it == working.complaints.end()) return absl::InternalError("update of no complaint");
      it->second.doc = doc;
      return absl::OkStatus();
    }
    absl::Status Record(const service::Change& c) override {
      return KeepChange(working.changes, c);
    }
    State& working;
  };

  FakeIdempotency<State> units_;
  std::map<std::string, api::v1::HttpBody> attachments_;
  std::set<std::pair<chikaya::v1::Kind, std::string>> categories_;
};

}  // namespace zp::testing
