#pragma once

// Idempotent mutating calls (DESIGN.md, section 4): the request_id is claimed in the transaction
// of the change and the response stored there too. A retry with the same id and the same request
// gets the stored response; the same id with another request (or another caller) is
// ALREADY_EXISTS. Two concurrent calls with one id are serialised by the primary key: the second
// waits for the first to commit or roll back.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"
#include "zp/core/status.h"
#include "zp/pg/migrations.h"
#include "zp/pg/transaction.h"

namespace zp::pg {

// Component "zp_idempotency": the idempotency table.
std::vector<Migration> IdempotencyMigrations();

// SHA-256 of method, caller and the deterministic serialisation of the request.
std::string RequestDigest(absl::string_view method, absl::string_view caller,
                          const google::protobuf::Message& request);

// Claims request_id for this digest. Returns the stored response when the id was used before
// with the same digest, nullopt when this transaction now owns the id.
absl::StatusOr<std::optional<std::string>> ClaimRequest(Transaction& tx,
                                                        absl::string_view request_id,
                                                        absl::string_view method,
                                                        absl::string_view digest);
absl::Status StoreResponse(Transaction& tx, absl::string_view request_id,
                           absl::string_view response);
absl::Status ReleaseRequest(Transaction& tx, absl::string_view request_id);

// A failure whose transaction must still commit (for example a flag that blocks the operation):
// RunIdempotent commits the changes made so far, forgets the request_id and returns `status`.
absl::Status CommitThenFail(absl::Status status);
bool IsCommitThenFail(const absl::Status& status);
absl::Status WithoutCommitMarker(absl::Status status);

// Runs `fn` in a transaction under the request_id; retries serialisation failures.
template <typename Response>
absl::StatusOr<Response> RunIdempotent(
    Pool& pool, absl::string_view method, absl::string_view caller, absl::string_view request_id,
    const google::protobuf::Message& request,
    const std::function<absl::StatusOr<Response>(Transaction&)>& fn, int attempts = 3) {
  const std::string digest = RequestDigest(method, caller, request);
  absl::Status status;
  for (int i = 0; i < attempts; ++i) {
    ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(pool));
    ASSIGN_OR_RETURN(std::optional<std::string> stored,
                     ClaimRequest(tx, request_id, method, digest));
    if (stored.has_value()) {
      Response response;
      if (!response.ParseFromString(*stored)) {
        return absl::DataLossError("stored response does not parse");
      }
      return response;
    }
    absl::StatusOr<Response> response = fn(tx);
    if (!response.ok() && IsCommitThenFail(response.status())) {
      status = ReleaseRequest(tx, request_id);
      if (status.ok()) status = tx.Commit();
      if (status.ok()) return WithoutCommitMarker(response.status());
    } else if (!response.ok()) {
      status = response.status();
    } else {
      status = StoreResponse(tx, request_id, response->SerializeAsString());
      if (status.ok()) status = tx.Commit();
      if (status.ok()) return response;
    }
    if (status.code() != absl::StatusCode::kAborted) {
      return status;
    }
  }
  return status;
}

}  // namespace zp::pg
