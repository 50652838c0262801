#pragma once

// The civil-status bureaus (table `bureaus`): the principal bureau of every commune, seeded from
// the territorial referential, and the others (annexes, consulates abroad) the DGCT creates.

#include "absl/status/statusor.h"
#include "services/sgec/src/registry_core.h"
#include "zp/sgec/v1/sgec.pb.h"

namespace zp::sgec {

class Bureaus {
 public:
  explicit Bureaus(RegistryCore& core) : core_(core) {}

  // Creates the principal bureau of every commune of the referential (code = commune code).
  absl::Status SeedBureaus();
  absl::StatusOr<v1::Bureau> CreateBureau(const Caller& c, const v1::CreateBureauRequest& r);
  absl::StatusOr<v1::ListBureausResponse> ListBureaus(const Caller& c,
                                                      const v1::ListBureausRequest& r);

 private:
  RegistryCore& core_;
};

}  // namespace zp::sgec
