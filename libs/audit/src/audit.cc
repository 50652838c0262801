#include "zp/audit/audit.h"

#include "absl/strings/str_cat.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "zp/core/embedded_file.h"
#include "zp/core/files.h"
#include "zp/core/status.h"

namespace zp::audit {

std::vector<core::EmbeddedFile> EmbeddedAuditMigrations();

namespace {

constexpr absl::string_view kGenesis =
    "0000000000000000000000000000000000000000000000000000000000000000";

constexpr pg::Query kLockChain{"zp_audit_lock", R"sql(
SELECT pg_advisory_xact_lock(hashtextextended('zp_audit:' || $1, 0)))sql"};

constexpr pg::Query kHead{"zp_audit_head", R"sql(
SELECT chain_seq, row_hash FROM audit_log WHERE chain = $1 ORDER BY chain_seq DESC LIMIT 1)sql"};

constexpr pg::Query kInsert{"zp_audit_insert", R"sql(
INSERT INTO audit_log (chain, chain_seq, occurred_at, actor, role, action, resource, territory,
                       request_id, change_digest, prev_hash, row_hash)
VALUES ($1, $2, to_timestamp($3::numeric / 1000000), $4, $5, $6, $7, $8, $9, $10, $11, $12))sql"};

// Rows in chain order; the time as integer microseconds so that it hashes as it was written.
constexpr absl::string_view kRows = R"sql(
SELECT id, chain, chain_seq, (extract(epoch FROM occurred_at) * 1000000)::bigint, actor, role,
       action, resource, territory, request_id, change_digest, prev_hash, row_hash
FROM audit_log WHERE ($1 = '' OR chain = $1 OR chain LIKE $1 || '.%')
ORDER BY chain, chain_seq)sql";

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
  RETURN_IF_ERROR(tx.Exec(kLockChain, {chain}).status());
  ASSIGN_OR_RETURN(pg::Result head, tx.Exec(kHead, {chain}));
  int64_t seq = 1;
  std::string prev(kGenesis);
  if (head.rows() == 1) {
    seq = head.Int(0, 0) + 1;
    prev = std::string(head.Text(0, 1));
  }
  // Microsecond precision: what timestamptz keeps.
  Record r = record;
  r.time = absl::FromUnixMicros(absl::ToUnixMicros(record.time));
  const std::string hash = RowHash(prev, CanonicalContent(r, chain, seq));
  return tx
      .Exec(kInsert, {chain, seq, absl::StrCat(absl::ToUnixMicros(r.time)), r.actor, r.role,
                      r.action, r.resource, r.territory, r.request_id, r.change_digest, prev, hash})
      .status();
}

absl::StatusOr<VerifyReport> Verify(pg::Connection& conn, absl::string_view scope) {
  ASSIGN_OR_RETURN(pg::Result rows, conn.Exec(kRows, {scope}));
  VerifyReport report;
  std::string current_chain;
  std::string prev;
  int64_t expected_seq = 0;
  bool chain_broken = false;
  for (int i = 0; i < rows.rows(); ++i) {
    ++report.rows;
    const int64_t id = rows.Int(i, 0);
    const std::string row_chain(rows.Text(i, 1));
    if (i == 0 || row_chain != current_chain) {
      current_chain = row_chain;
      prev = std::string(kGenesis);
      expected_seq = 1;
      chain_broken = false;
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
    if (!reason.empty() && !chain_broken) {
      chain_broken = true;
      if (!report.first_break.has_value() || id < report.first_break->id) {
        report.first_break = Break{id, row_chain, seq, reason};
      }
    }
    prev = stored_hash;
    expected_seq = seq + 1;
  }
  return report;
}

}  // namespace zp::audit
