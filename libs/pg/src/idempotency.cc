#include "zp/pg/idempotency.h"

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "zp/core/embedded_file.h"
#include "zp/core/files.h"

namespace zp::pg {

std::vector<core::EmbeddedFile> EmbeddedIdempotencyMigrations();

namespace {

constexpr Query kClaim{"zp_idempotency_claim", R"sql(
INSERT INTO idempotency (request_id, method, digest) VALUES ($1, $2, $3)
ON CONFLICT (request_id) DO NOTHING)sql"};

constexpr Query kStored{"zp_idempotency_stored", R"sql(
SELECT method, digest, response FROM idempotency WHERE request_id = $1)sql"};

constexpr Query kStore{"zp_idempotency_store", R"sql(
UPDATE idempotency SET response = $2 WHERE request_id = $1)sql"};

constexpr Query kRelease{"zp_idempotency_release", R"sql(
DELETE FROM idempotency WHERE request_id = $1)sql"};

constexpr char kCommitMarker[] = "zeropapier.gov.ma/commit-then-fail";

}  // namespace

std::vector<Migration> IdempotencyMigrations() {
  auto migrations = MigrationsFromFiles("zp_idempotency", EmbeddedIdempotencyMigrations());
  return migrations.ok() ? *migrations : std::vector<Migration>{};
}

std::string RequestDigest(absl::string_view method, absl::string_view caller,
                          const google::protobuf::Message& request) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream out(&stream);
    out.SetSerializationDeterministic(true);
    request.SerializeToCodedStream(&out);
  }
  return core::Sha256Hex(absl::StrCat(method.size(), ":", method, caller.size(), ":", caller, bytes));
}

absl::StatusOr<std::optional<std::string>> ClaimRequest(Transaction& tx,
                                                        absl::string_view request_id,
                                                        absl::string_view method,
                                                        absl::string_view digest) {
  ASSIGN_OR_RETURN(Result claimed, tx.Exec(kClaim, {request_id, method, digest}));
  if (claimed.affected() == 1) {
    return std::optional<std::string>();
  }
  ASSIGN_OR_RETURN(Result stored, tx.Exec(kStored, {request_id}));
  if (stored.rows() == 0) {  // the other holder rolled back after our insert was skipped
    return absl::AbortedError("request_id released concurrently; retry");
  }
  if (stored.Text(0, 0) != method || stored.Text(0, 1) != digest || stored.IsNull(0, 2)) {
    return core::RuleError(absl::StatusCode::kAlreadyExists, "REQUEST_ID_REUSED", "request_id",
                           "already used for a different request");
  }
  return std::optional<std::string>(stored.Bytes(0, 2));
}

absl::Status StoreResponse(Transaction& tx, absl::string_view request_id,
                           absl::string_view response) {
  return tx.Exec(kStore, {request_id, Param::Bytes(response)}).status();
}

absl::Status ReleaseRequest(Transaction& tx, absl::string_view request_id) {
  return tx.Exec(kRelease, {request_id}).status();
}

absl::Status CommitThenFail(absl::Status status) {
  status.SetPayload(kCommitMarker, absl::Cord("1"));
  return status;
}

bool IsCommitThenFail(const absl::Status& status) {
  return status.GetPayload(kCommitMarker).has_value();
}

absl::Status WithoutCommitMarker(absl::Status status) {
  status.ErasePayload(kCommitMarker);
  return status;
}

}  // namespace zp::pg
