#pragma once

// The audit trail every service keeps (DESIGN.md, section 4): each mutating action appends
// {actor, role, action, resource, territory, request_id, time, digest of the change} in the
// transaction of the change. Rows are hash-chained per territory; Verify recomputes the chains
// and names the first row that does not match.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "google/protobuf/message.h"
#include "zp/audit/v1/audit.pb.h"
#include "zp/auth/territory_scope.h"
#include "zp/pg/migrations.h"
#include "zp/pg/pool.h"
#include "zp/pg/transaction.h"

namespace zp::audit {

struct Record {
  std::string actor;      // principal subject, or "system:<component>"
  std::string role;       // the role under which the action was allowed
  std::string action;     // e.g. "sgec.RegisterAct"
  std::string resource;   // e.g. "acts/0190..."
  std::string territory;  // HCP code; also the chain the row joins
  std::string request_id;
  std::string change_digest;  // ChangeDigest() of the change
  absl::Time time;
};

// Component "zp_audit": the audit_log table and its append-only triggers.
std::vector<pg::Migration> Migrations();

// SHA-256 (hex) of the deterministic serialisation of a message describing the change.
std::string ChangeDigest(const google::protobuf::Message& change);

// The canonical content hashed for a row (length-prefixed fields, time in microseconds).
std::string CanonicalContent(const Record& record, absl::string_view chain, int64_t chain_seq);
std::string RowHash(absl::string_view prev_hash, absl::string_view canonical);

// Appends in `tx`; appenders of one chain are serialised by the lock on the chain's head row.
absl::Status Append(pg::Transaction& tx, const Record& record);

struct Break {
  int64_t id = 0;
  std::string chain;
  int64_t chain_seq = 0;
  // "row_hash" (content changed), "prev_hash" (a row before changed or removed), "sequence"
  // (a row removed), "head" (rows removed at the end of the chain)
  std::string reason;
};

struct VerifyReport {
  int64_t rows = 0;
  int64_t chains = 0;
  std::optional<Break> first_break;  // lowest id among the chains' first breaks
};

// Verifies every chain, or when `scope` is a territory code, the chains of that territory and
// of the territories within it.
absl::StatusOr<VerifyReport> Verify(pg::Connection& conn, absl::string_view scope = "");

// What a reader asks of the trail (every filter optional).
struct Query {
  auth::TerritoryScope scope = auth::TerritoryScope::Nothing();  // the territories read
  std::string actor, action, resource;                           // "" = any
  std::optional<absl::Time> from, to;                            // recorded in [from, to)
  std::optional<int64_t> before_id;                              // the page's cursor
  int limit = 20;
};

// The records of `query`, newest first, at most query.limit + 1 (the extra one says a next page
// exists).
absl::StatusOr<std::vector<v1::AuditRecord>> List(pg::Pool& pool, const Query& query);

// ListAuditRecordsRequest as a Query, for a reader whose territories are `scope`: the filters
// validated (INVALID_ARGUMENT naming the field), `territory` within the scope (NOT_FOUND when
// it is not), the page token decoded.
absl::StatusOr<Query> QueryOf(const v1::ListAuditRecordsRequest& request,
                              const auth::Principal& reader,
                              const territory::Referential& referential);
// The page of records `query` read (List), as the response.
v1::ListAuditRecordsResponse PageOf(std::vector<v1::AuditRecord> records, int page_size);

}  // namespace zp::audit
