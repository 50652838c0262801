#pragma once

// The unit-of-work semantics of a store, in memory, for the fakes of services' stores: `work`
// runs on a working copy of the state, which replaces the state only when it succeeds, and the
// response is kept under the request id (service/store.h).

#include <map>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "zp/core/status.h"
#include "zp/service/store.h"

namespace zp::testing {

template <typename State>
class FakeIdempotency {
 public:
  const State& state() const { return committed_; }
  State& mutable_state() { return committed_; }

  // `work(State& working)` returns absl::StatusOr<std::string>.
  template <typename Work>
  absl::StatusOr<std::string> Run(const service::IdempotentCall& call, Work&& work) {
    const std::string digest =
        absl::StrCat(call.method, "|", call.caller, "|", call.request->SerializeAsString());
    if (auto it = responses_.find(call.request_id); it != responses_.end()) {
      if (it->second.first != digest) {
        return core::RuleError(absl::StatusCode::kAlreadyExists, "REQUEST_ID_REUSED", "request_id",
                               "already used for a different request");
      }
      return it->second.second;
    }
    State working = committed_;
    absl::StatusOr<std::string> response = work(working);
    if (!response.ok()) return response.status();  // the working copy is dropped
    committed_ = std::move(working);
    responses_[call.request_id] = {digest, *response};
    return response;
  }

 private:
  State committed_;
  std::map<std::string, std::pair<std::string, std::string>> responses_;
};

}  // namespace zp::testing
