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

constexpr Query kStore{"zp_idempotency_store", R"sql(
INSERT INTO idempotency (request_id, method, digest, response) VALUES ($1, $2, $3, $4))sql"};

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
  return core::Sha256Hex(
      absl::StrCat(method.size(), ":", method, caller.size(), ":", caller, bytes));
}

absl::Status StoreResponse(Transaction& tx, absl::string_view request_id, absl::string_view method,
                           absl::string_view digest, absl::string_view response) {
  // Sent with COMMIT (one round trip); a concurrent call that stored this id first makes the
  // commit fail with a unique violation, which RunIdempotent reads as ABORTED.
  tx.ExecLater(kStore, {request_id, method, digest, Param::Bytes(response)});
  return absl::OkStatus();
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
