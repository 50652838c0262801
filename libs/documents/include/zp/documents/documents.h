#pragma once

// Issuing and verifying signed documents, for every service that hands documents to citizens
// (SGEC copies and extracts; later WATIQA, ROKHAS, BOD, GIR-CT). Component "zp_documents" adds
// two tables to the service's database: `documents` (content, digest, signature, code digest,
// revocation) and `document_keys` (every public key ever used, by kid: documents signed before a
// key rotation still verify, and the keys are published from here).

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "google/protobuf/message.h"
#include "zp/auth/v1/jwks.pb.h"
#include "zp/documents/signing.h"
#include "zp/documents/v1/documents.pb.h"
#include "zp/pg/migrations.h"
#include "zp/pg/pool.h"
#include "zp/pg/transaction.h"

namespace zp::documents {

std::vector<pg::Migration> Migrations();

// The canonical serialisation: proto3 JSON through json_util, fields in field-number order, no
// whitespace. Byte-identical for the same message and the same proto definitions.
absl::StatusOr<std::string> CanonicalJson(const google::protobuf::Message& message);

struct IssueRequest {
  std::string kind;       // "sgec.FULL_COPY"
  std::string subject;    // "acts/<id>"
  std::string territory;  // who may revoke and list it
  v1::Issuer issuer;
  v1::Summary summary;
  const google::protobuf::Message* content = nullptr;
  std::string issued_by;  // principal subject
  absl::Time time;
  std::string verification_base_url;  // the code is appended: "<base>/<code>"
};

class Documents {
 public:
  // `signer` signs new documents; its public key is recorded at the first Issue.
  explicit Documents(const Signer& signer);

  // Builds, signs and stores a document in `tx`. A code collision (2^-59 per pair) draws again.
  absl::StatusOr<v1::Document> Issue(pg::Transaction& tx, const IssueRequest& request) const;

  // The stored document by id, its signature checked (`status` tells revocation; a content that
  // does not verify is DATA_LOSS).
  absl::StatusOr<std::optional<v1::Document>> Get(pg::Connection& db, const std::string& id,
                                                  std::string* territory = nullptr) const;

  // The stored documents of these subjects (such as "acts/<id>"), newest first, at most `limit`,
  // those issued before `before_id` when it is set (a page's cursor); each checked as Get does.
  absl::StatusOr<std::vector<v1::Document>> List(pg::Connection& db,
                                                 const std::vector<std::string>& subjects,
                                                 const std::optional<std::string>& before_id,
                                                 int limit) const;

  // Public verification by code: NOT_FOUND for an unknown or malformed code, the same work either
  // way (one lookup by digest, one signature check).
  absl::StatusOr<v1::Verification> Verify(pg::Connection& db, absl::string_view typed_code) const;

  // Sets the revocation once; FAILED_PRECONDITION when already revoked.
  absl::Status Revoke(pg::Transaction& tx, const std::string& id, const std::string& reason,
                      const std::string& by, absl::Time time) const;

  // Every key documents were ever signed with, and the current one.
  absl::StatusOr<zp::auth::v1::JsonWebKeySet> PublishedKeys(pg::Connection& db) const;

 private:
  const Signer& signer_;
  std::string decoy_signature_;  // checked for unknown codes, as a found one would be
};

}  // namespace zp::documents
