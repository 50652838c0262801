#pragma once

// The civil registry's operations: each one checks the caller's role and territory, applies the
// rules (rules.h), and writes its change, its events (outbox) and its audit record in one
// transaction, under the request_id of the call (pg/idempotency.h).

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "zp/auth/principal.h"
#include "zp/core/clock.h"
#include "zp/events/outbox.h"
#include "zp/pg/pool.h"
#include "zp/sgec/v1/sgec.pb.h"
#include "zp/territory/referential.h"

namespace zp::sgec {

struct Caller {
  auth::Principal principal;
  std::string traceparent;
};

class Registry {
 public:
  // `notifier` wakes the outbox relay after commits (nullptr: the relay's polling finds them).
  Registry(pg::Pool& pool, std::shared_ptr<const territory::Referential> referential,
           const core::Clock& clock, events::OutboxNotifier* notifier = nullptr);

  // Where new IDCS come from (default: NewIdcs, the CSPRNG); tests inject collisions.
  void set_idcs_source(std::function<std::string()> source) { idcs_source_ = std::move(source); }

  // Creates the principal bureau of every commune of the referential (code = commune code).
  absl::Status SeedBureaus();

  absl::StatusOr<v1::Bureau> CreateBureau(const Caller& c, const v1::CreateBureauRequest& r);
  absl::StatusOr<v1::ListBureausResponse> ListBureaus(const Caller& c,
                                                       const v1::ListBureausRequest& r);

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
  absl::StatusOr<v1::Act> RegisterAct(const Caller& c, const v1::RegisterActRequest& r);

  absl::StatusOr<v1::Act> GetAct(const Caller& c, const v1::GetActRequest& r);
  absl::StatusOr<v1::Act> AddMention(const Caller& c, const v1::AddMentionRequest& r);
  absl::StatusOr<v1::SearchActsResponse> SearchActs(const Caller& c,
                                                    const v1::SearchActsRequest& r);

  absl::StatusOr<v1::VerifyAuditChainResponse> VerifyAuditChain(
      const Caller& c, const v1::VerifyAuditChainRequest& r);

 private:
  absl::StatusOr<v1::Declaration> Declare(const Caller& c, const std::string& request_id,
                                          const std::string& bureau_code,
                                          const std::string& method,
                                          const google::protobuf::Message& request,
                                          v1::Declaration declaration);

  pg::Pool& pool_;
  std::shared_ptr<const territory::Referential> referential_;
  const core::Clock& clock_;
  events::Outbox outbox_;
  std::function<std::string()> idcs_source_;
};

}  // namespace zp::sgec
