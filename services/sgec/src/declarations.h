#pragma once

// Declarations of births and deaths (table `declarations`) and their workflow up to
// registration: NOTIFIED or DECLARED, VALIDATED or REJECTED, possible duplicates reviewed. The
// states and who moves them: the service README, "Workflow".

#include <string>

#include "absl/status/statusor.h"
#include "google/protobuf/message.h"
#include "services/sgec/src/registry_core.h"
#include "zp/sgec/v1/sgec.pb.h"

namespace zp::sgec {

class Declarations {
 public:
  explicit Declarations(RegistryCore& core) : core_(core) {}

  absl::StatusOr<v1::Declaration> DeclareBirth(const Caller& c, const v1::DeclareBirthRequest& r);
  absl::StatusOr<v1::Declaration> DeclareDeath(const Caller& c, const v1::DeclareDeathRequest& r);
  absl::StatusOr<v1::Declaration> GetDeclaration(const Caller& c,
                                                 const v1::GetDeclarationRequest& r);
  absl::StatusOr<v1::ListDeclarationsResponse> ListDeclarations(
      const Caller& c, const v1::ListDeclarationsRequest& r);
  absl::StatusOr<v1::Declaration> ValidateDeclaration(const Caller& c,
                                                      const v1::ValidateDeclarationRequest& r);
  absl::StatusOr<v1::Declaration> RejectDeclaration(const Caller& c,
                                                    const v1::RejectDeclarationRequest& r);
  absl::StatusOr<v1::Declaration> ReviewDuplicate(const Caller& c,
                                                  const v1::ReviewDuplicateRequest& r);

 private:
  absl::StatusOr<v1::Declaration> Declare(const Caller& c, const std::string& request_id,
                                          const std::string& bureau_code, const std::string& method,
                                          const google::protobuf::Message& request,
                                          v1::Declaration declaration);

  RegistryCore& core_;
};

}  // namespace zp::sgec
