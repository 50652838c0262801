#pragma once

// @Svc@'s store in memory, for the unit tests of its rules: units of work that commit or leave
// nothing, and every recorded change kept (recorded_changes.h).

#include <map>
#include <string>
#include <vector>

#include "services/@svc@/src/record_store.h"
#include "tests/support/fake_idempotency.h"
#include "tests/support/recorded_changes.h"

namespace zp::testing {

class Fake@Svc@Store final : public @svc@::RecordStore {
 public:
  struct State {
    std::map<std::string, @svc@::v1::Record> records;
    std::vector<RecordedChange> changes;
  };
  const State& state() const { return units_.state(); }

  absl::StatusOr<std::string> Idempotent(
      const service::IdempotentCall& call,
      const std::function<absl::StatusOr<std::string>(@svc@::RecordTx&)>& work) override {
    return units_.Run(call, [&](State& working) {
      Tx tx(working);
      return work(tx);
    });
  }
  absl::StatusOr<std::optional<@svc@::v1::Record>> Get(const std::string& id) override {
    auto it = state().records.find(id);
    if (it == state().records.end()) return std::nullopt;
    return it->second;
  }

 private:
  class Tx final : public @svc@::RecordTx {
   public:
    explicit Tx(State& working) : working_(working) {}
    absl::Status Insert(const @svc@::v1::Record& r) override {
      if (!working_.records.emplace(r.id(), r).second) return absl::AlreadyExistsError(r.id());
      return absl::OkStatus();
    }
    absl::Status Record(const service::Change& change) override {
      return KeepChange(working_.changes, change);
    }

   private:
    State& working_;
  };

  FakeIdempotency<State> units_;
};

}  // namespace zp::testing
