#include "zp/audit/audit.h"

#include <map>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/util/time_util.h"
#include "zp/core/api.h"
#include "zp/core/dates.h"
#include "zp/core/embedded_file.h"
#include "zp/core/files.h"
#include "zp/core/status.h"

namespace zp::audit {

std::vector<core::EmbeddedFile> EmbeddedAuditMigrations();

namespace {

constexpr absl::string_view kGenesis =
    "0000000000000000000000000000000000000000000000000000000000000000";

// Locks the chain's head row until commit; under READ COMMITTED a waiter then reads the head its
// predecessor committed.
constexpr pg::Query kLockHead{"zp_audit_lock_head", R"sql(
SELECT last_seq, last_hash FROM audit_chains WHERE chain = $1 FOR UPDATE)sql"};

// The first append of a chain creates its head (sequence 0, the genesis hash).
constexpr pg::Query kCreateHead{"zp_audit_create_head", R"sql(
INSERT INTO audit_chains (chain, last_seq, last_hash) VALUES ($1, 0, $2)
ON CONFLICT (chain) DO NOTHING)sql"};

constexpr pg::Query kInsert{"zp_audit_insert", R"sql(
WITH head AS (UPDATE audit_chains SET last_seq = $2, last_hash = $12 WHERE chain = $1)
INSERT INTO audit_log (chain, chain_seq, occurred_at, actor, role, action, resource, territory,
                       request_id, change_digest, prev_hash, row_hash)
VALUES ($1, $2, to_timestamp($3::numeric / 1000000), $4, $5, $6, $7, $8, $9, $10, $11, $12))sql"};

constexpr absl::string_view kHeads = R"sql(
SELECT chain, last_seq, last_hash FROM audit_chains
WHERE ($1 = '' OR chain = $1 OR chain LIKE $1 || '.%') ORDER BY chain)sql";

// Rows in chain order; the time as integer microseconds so that it hashes as it was written.
constexpr absl::string_view kRows = R"sql(
SELECT id, chain, chain_seq, (extract(epoch FROM occurred_at) * 1000000)::bigint, actor, role,
       action, resource, territory, request_id, change_digest, prev_hash, row_hash
FROM audit_log WHERE ($1 = '' OR chain = $1 OR chain LIKE $1 || '.%')
ORDER BY chain, chain_seq)sql";

// $1/$2 scope (NULL: national); $3 actor, $4 action, $5 resource ('' = any); $6/$7 [from, to)
// in microseconds (NULL: open); $8 cursor (NULL: from the newest); $9 limit.
constexpr pg::Query kList{"zp_audit_list", R"sql(
SELECT id, (extract(epoch FROM occurred_at) * 1000000)::bigint, actor, role, action, resource,
       territory, request_id, change_digest, chain, chain_seq, row_hash
FROM audit_log
WHERE )sql" ZP_IN_TERRITORY_SCOPE("territory", "$1", "$2") R"sql(
  AND ($3 = '' OR actor = $3) AND ($4 = '' OR action = $4) AND ($5 = '' OR resource = $5)
  AND ($6::numeric IS NULL OR occurred_at >= to_timestamp($6::numeric / 1000000))
  AND ($7::numeric IS NULL OR occurred_at < to_timestamp($7::numeric / 1000000))
  AND ($8::bigint IS NULL OR id < $8::bigint)
ORDER BY id DESC LIMIT $9)sql"};

pg::Param Micros(const std::optional<absl::Time>& t) {
  if (!t.has_value()) return nullptr;
  return absl::StrCat(absl::ToUnixMicros(*t));
}

void Field(std::string& out, absl::string_view value) {
  absl::StrAppend(&out, value.size(), ":", value, ";");
}

}  // namespace

std::vector<pg::Migration> Migrations() {
  auto migrations = pg::MigrationsFromFiles("zp_audit", EmbeddedAuditMigrations());
  return migrations.ok() ? *migrations : std::vector<pg::Migration>{};
}

std::string ChangeDigest(const google::protobuf::Message& change) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream out(&stream);
    out.SetSerializationDeterministic(true);
    change.SerializeToCodedStream(&out);
  }
  return core::Sha256Hex(bytes);
}

std::string CanonicalContent(const Record& r, absl::string_view chain, int64_t chain_seq) {
  std::string out;
  Field(out, chain);
  Field(out, absl::StrCat(chain_seq));
  Field(out, absl::StrCat(absl::ToUnixMicros(r.time)));
  Field(out, r.actor);
  Field(out, r.role);
  Field(out, r.action);
  Field(out, r.resource);
  Field(out, r.territory);
  Field(out, r.request_id);
  Field(out, r.change_digest);
  return out;
}

std::string RowHash(absl::string_view prev_hash, absl::string_view canonical) {
  return core::Sha256Hex(absl::StrCat(prev_hash, "\n", canonical));
}

absl::Status Append(pg::Transaction& tx, const Record& record) {
  if (record.territory.empty() || record.action.empty() || record.actor.empty()) {
    return absl::InternalError("audit record without territory, action or actor");
  }
  const std::string& chain = record.territory;
  ASSIGN_OR_RETURN(pg::Result head, tx.Exec(kLockHead, {chain}));
  if (head.rows() == 0) {
    RETURN_IF_ERROR(tx.Exec(kCreateHead, {chain, kGenesis}).status());
    ASSIGN_OR_RETURN(head, tx.Exec(kLockHead, {chain}));
  }
  const int64_t seq = head.Int(0, 0) + 1;
  const std::string prev(head.Text(0, 1));
  // Microsecond precision: what timestamptz keeps.
  Record r = record;
  r.time = absl::FromUnixMicros(absl::ToUnixMicros(record.time));
  const std::string hash = RowHash(prev, CanonicalContent(r, chain, seq));
  // Sent with the transaction's next statement or its COMMIT (one round trip); a later append to
  // this chain in the transaction locks the head after it.
  tx.ExecLater(kInsert,
               {chain, seq, absl::StrCat(absl::ToUnixMicros(r.time)), r.actor, r.role, r.action,
                r.resource, r.territory, r.request_id, r.change_digest, prev, hash});
  return absl::OkStatus();
}

namespace {

absl::StatusOr<VerifyReport> VerifySnapshot(pg::Connection& conn, absl::string_view scope) {
  ASSIGN_OR_RETURN(pg::Result heads, conn.Exec(kHeads, {scope}));
  ASSIGN_OR_RETURN(pg::Result rows, conn.Exec(kRows, {scope}));
  std::map<std::string, std::pair<int64_t, std::string>> head_of;
  for (int i = 0; i < heads.rows(); ++i) {
    head_of[std::string(heads.Text(i, 0))] = {heads.Int(i, 1), std::string(heads.Text(i, 2))};
  }
  VerifyReport report;
  auto report_break = [&](Break b) {
    if (!report.first_break.has_value() || b.id < report.first_break->id) {
      report.first_break = std::move(b);
    }
  };
  std::string chain;
  std::string prev;
  int64_t expected_seq = 0;
  int64_t last_id = 0;
  bool broken = false;
  // The chain's last row must be its head: rows removed at the end are seen here.
  auto finish_chain = [&] {
    if (chain.empty() || broken) return;
    auto head = head_of.find(chain);
    if (head == head_of.end() || head->second.first != expected_seq - 1 ||
        head->second.second != prev) {
      report_break(Break{last_id, chain, expected_seq - 1, "head"});
    }
  };
  for (int i = 0; i < rows.rows(); ++i) {
    ++report.rows;
    const int64_t id = rows.Int(i, 0);
    const std::string row_chain(rows.Text(i, 1));
    if (row_chain != chain) {
      finish_chain();
      chain = row_chain;
      prev = std::string(kGenesis);
      expected_seq = 1;
      broken = false;
      ++report.chains;
    }
    Record r;
    const int64_t seq = rows.Int(i, 2);
    r.time = absl::FromUnixMicros(rows.Int(i, 3));
    r.actor = std::string(rows.Text(i, 4));
    r.role = std::string(rows.Text(i, 5));
    r.action = std::string(rows.Text(i, 6));
    r.resource = std::string(rows.Text(i, 7));
    r.territory = std::string(rows.Text(i, 8));
    r.request_id = std::string(rows.Text(i, 9));
    r.change_digest = std::string(rows.Text(i, 10));
    const std::string stored_prev(rows.Text(i, 11));
    const std::string stored_hash(rows.Text(i, 12));
    std::string reason;
    if (seq != expected_seq) {
      reason = "sequence";
    } else if (stored_prev != prev) {
      reason = "prev_hash";
    } else if (RowHash(stored_prev, CanonicalContent(r, row_chain, seq)) != stored_hash) {
      reason = "row_hash";
    }
    if (!reason.empty() && !broken) {
      broken = true;
      report_break(Break{id, row_chain, seq, reason});
    }
    prev = stored_hash;
    expected_seq = seq + 1;
    last_id = id;
  }
  finish_chain();
  // A head without any row: the whole chain was removed.
  for (const auto& [head_chain, head] : head_of) {
    bool seen = false;
    for (int i = 0; i < rows.rows() && !seen; ++i) seen = rows.Text(i, 1) == head_chain;
    if (!seen) report_break(Break{0, head_chain, head.first, "head"});
  }
  return report;
}

}  // namespace

absl::StatusOr<VerifyReport> Verify(pg::Connection& conn, absl::string_view scope) {
  // One snapshot for the heads and the rows.
  RETURN_IF_ERROR(conn.ExecScript("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
  absl::StatusOr<VerifyReport> report = VerifySnapshot(conn, scope);
  absl::Status ended = conn.ExecScript(report.ok() ? "COMMIT" : "ROLLBACK");
  if (report.ok() && !ended.ok()) return ended;
  return report;
}

absl::StatusOr<std::vector<v1::AuditRecord>> List(pg::Pool& pool, const Query& q) {
  pg::Param before = nullptr;
  if (q.before_id.has_value()) before = absl::StrCat(*q.before_id);
  ASSIGN_OR_RETURN(pg::Result r, pool.Exec(kList, {q.scope.codes(), q.scope.prefixes(), q.actor,
                                                   q.action, q.resource, Micros(q.from),
                                                   Micros(q.to), before, q.limit + 1}));
  std::vector<v1::AuditRecord> out(r.rows());
  for (int i = 0; i < r.rows(); ++i) {
    v1::AuditRecord& a = out[i];
    a.set_id(r.Int(i, 0));
    *a.mutable_time() = google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(r.Int(i, 1));
    a.set_actor(std::string(r.Text(i, 2)));
    a.set_role(std::string(r.Text(i, 3)));
    a.set_action(std::string(r.Text(i, 4)));
    a.set_resource(std::string(r.Text(i, 5)));
    a.set_territory(std::string(r.Text(i, 6)));
    a.set_request_id(std::string(r.Text(i, 7)));
    a.set_change_digest(std::string(r.Text(i, 8)));
    a.set_chain(std::string(r.Text(i, 9)));
    a.set_chain_seq(r.Int(i, 10));
    a.set_row_hash(std::string(r.Text(i, 11)));
  }
  return out;
}

absl::StatusOr<Query> QueryOf(const v1::ListAuditRecordsRequest& r, const auth::Principal& reader,
                              const territory::Referential& referential) {
  Query q;
  core::Violations v;
  absl::StatusOr<int> size = core::PageSize(r.page_size());
  if (!size.ok()) v.Add("page_size", "0 to 1000");
  absl::StatusOr<std::string> cursor = core::DecodePageToken(r.page_token());
  int64_t before = 0;
  if (!cursor.ok() || (!cursor->empty() && !absl::SimpleAtoi(*cursor, &before))) {
    v.Add("page_token", "a token a previous page gave");
  }
  const bool territory_known = r.territory().empty() || referential.Find(r.territory()) != nullptr;
  if (!territory_known) v.Add("territory", "a code of the territorial referential");
  using google::protobuf::util::TimeUtil;
  if (r.has_from() && !core::IsValidTimestamp(r.from())) v.Add("from", "a valid time");
  if (r.has_to() && !core::IsValidTimestamp(r.to())) v.Add("to", "a valid time");
  if (r.has_from() && r.has_to() && r.to() <= r.from()) v.Add("to", "after `from`");
  RETURN_IF_ERROR(v.ToStatus());
  if (!r.territory().empty()) {
    // Outside the reader's territories: as if there were no such territory.
    if (!auth::CanAccessTerritory(reader, r.territory(), referential)) {
      return absl::NotFoundError(absl::StrCat("territory ", r.territory(), " not found"));
    }
    q.scope = auth::TerritoryScope::Within(r.territory());
  } else {
    q.scope = auth::TerritoryScope::Of(reader);
  }
  q.actor = r.actor();
  q.action = r.action();
  q.resource = r.resource();
  if (r.has_from()) q.from = absl::FromUnixMicros(TimeUtil::TimestampToMicroseconds(r.from()));
  if (r.has_to()) q.to = absl::FromUnixMicros(TimeUtil::TimestampToMicroseconds(r.to()));
  if (!cursor->empty()) q.before_id = before;
  q.limit = *size;
  return q;
}

v1::ListAuditRecordsResponse PageOf(std::vector<v1::AuditRecord> records, int page_size) {
  v1::ListAuditRecordsResponse out;
  const int n = static_cast<int>(records.size());
  for (int i = 0; i < n && i < page_size; ++i) *out.add_records() = std::move(records[i]);
  if (n > page_size && page_size > 0) {
    out.set_next_page_token(core::EncodePageToken(absl::StrCat(out.records(page_size - 1).id())));
  }
  return out;
}

}  // namespace zp::audit
