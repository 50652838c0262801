#pragma once

// Acts (tables `acts`, `mentions`): the registration of a validated declaration as a numbered act
// (a birth's IDCS drawn with it; a death adds the DEATH mention to the deceased's birth act),
// reading, marginal mentions, and search by IDCS, reference or names.

#include "absl/status/statusor.h"
#include "services/sgec/src/registry_core.h"
#include "zp/sgec/v1/sgec.pb.h"

namespace zp::sgec {

class Acts {
 public:
  explicit Acts(RegistryCore& core) : core_(core) {}

  absl::StatusOr<v1::Act> RegisterAct(const Caller& c, const v1::RegisterActRequest& r);
  absl::StatusOr<v1::Act> GetAct(const Caller& c, const v1::GetActRequest& r);
  absl::StatusOr<v1::Act> AddMention(const Caller& c, const v1::AddMentionRequest& r);
  absl::StatusOr<v1::SearchActsResponse> SearchActs(const Caller& c,
                                                    const v1::SearchActsRequest& r);
  absl::StatusOr<v1::ListMyActsResponse> ListMyActs(const Caller& c,
                                                    const v1::ListMyActsRequest& r);

 private:
  RegistryCore& core_;
};

}  // namespace zp::sgec
