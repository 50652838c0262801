#pragma once

// Idempotent mutating calls (DESIGN.md, section 4): the response is stored under the request_id in
// the transaction of the change. A retry with the same id and the same request gets the stored
// response; the same id with another request (or another caller) is ALREADY_EXISTS.
// Optimistic: the id is looked up first and inserted with the response at the end. Of two
// concurrent calls with one id, the second either fails on the primary key (its transaction rolls
// back and the retry finds the first response) or fails on the change itself (the first changed
// the state); in both cases it answers with the first call's response.

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

// The stored response of request_id when it was used with this digest; nullopt when unused;
// ALREADY_EXISTS when used for another request.
template <typename Db>
absl::StatusOr<std::optional<std::string>> StoredResponse(Db& db, absl::string_view request_id,
                                                          absl::string_view method,
                                                          absl::string_view digest);
// Stores the response with the transaction's COMMIT; when a concurrent call stored one first,
// the commit fails with a unique violation (RunIdempotent then reads the stored response).
absl::Status StoreResponse(Transaction& tx, absl::string_view request_id, absl::string_view method,
                           absl::string_view digest, absl::string_view response);

// A failure whose transaction must still commit (for example a flag that blocks the operation):
// RunIdempotent commits the changes made so far, stores no response and returns `status`.
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
  auto parse = [](const std::string& bytes) -> absl::StatusOr<Response> {
    Response response;
    if (!response.ParseFromString(bytes)) {
      return absl::DataLossError("stored response does not parse");
    }
    return response;
  };
  absl::Status status;
  for (int i = 0; i < attempts; ++i) {
    {
      ASSIGN_OR_RETURN(Transaction tx, Transaction::Begin(pool));
      ASSIGN_OR_RETURN(std::optional<std::string> stored,
                       StoredResponse(tx, request_id, method, digest));
      if (stored.has_value()) return parse(*stored);
      absl::StatusOr<Response> response = fn(tx);
      if (!response.ok() && IsCommitThenFail(response.status())) {
        status = tx.Commit();
        if (status.ok()) return WithoutCommitMarker(response.status());
      } else if (!response.ok()) {
        status = response.status();
      } else {
        status = StoreResponse(tx, request_id, method, digest, response->SerializeAsString());
        if (status.ok()) status = tx.Commit();
        if (status.ok()) return response;
        if (SqlStateOf(status) ==
            "23505") {  // the request_id was stored first by a concurrent call
          status = absl::AbortedError("request_id stored concurrently");
        }
      }
    }  // rolled back unless committed
    // A concurrent call with this id may have committed meanwhile: its response is the answer.
    ASSIGN_OR_RETURN(std::optional<std::string> stored,
                     StoredResponse(pool, request_id, method, digest));
    if (stored.has_value()) return parse(*stored);
    if (status.code() != absl::StatusCode::kAborted) {
      return status;
    }
  }
  return status;
}

template <typename Db>
absl::StatusOr<std::optional<std::string>> StoredResponse(Db& db, absl::string_view request_id,
                                                          absl::string_view method,
                                                          absl::string_view digest) {
  static constexpr Query kStored{"zp_idempotency_stored",
                                 "SELECT method, digest, response FROM idempotency "
                                 "WHERE request_id = $1"};
  ASSIGN_OR_RETURN(Result stored, db.Exec(kStored, {request_id}));
  if (stored.rows() == 0) return std::optional<std::string>();
  if (stored.Text(0, 0) != method || stored.Text(0, 1) != digest) {
    return core::RuleError(absl::StatusCode::kAlreadyExists, "REQUEST_ID_REUSED", "request_id",
                           "already used for a different request");
  }
  return std::optional<std::string>(stored.Bytes(0, 2));
}

}  // namespace zp::pg
