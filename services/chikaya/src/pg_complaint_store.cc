#include "services/chikaya/src/pg_complaint_store.h"

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"
#include "services/chikaya/src/stats.h"
#include "zp/core/status.h"
#include "zp/events/event.h"
#include "zp/pg/transaction.h"

namespace zp::chikaya {
namespace {

using google::protobuf::util::TimeUtil;

constexpr pg::Query kCategories{"chk_categories", R"sql(
SELECT kind, code, name_ar, name_fr FROM categories WHERE ($1::int = 0 OR kind = $1::int)
ORDER BY kind, code)sql"};

constexpr pg::Query kCategory{"chk_category", R"sql(
SELECT 1 FROM categories WHERE kind = $1 AND code = $2)sql"};

constexpr pg::Query kDeadlines{"chk_deadlines", R"sql(
SELECT acknowledge_days, answer_days, business_days FROM deadlines WHERE kind = $1)sql"};

constexpr pg::Query kInsert{"chk_insert", R"sql(
INSERT INTO complaints (id, reference, kind, state, authority_code, province_code, region_code,
  submitter_kind, submitter, tracking_hash, created_at, acknowledge_due, answer_due, doc, words)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, to_timestamp($11::numeric / 1000000),
        to_timestamp($12::numeric / 1000000), to_timestamp($13::numeric / 1000000), $14,
        array_to_tsvector($15::text[])))sql"};

constexpr pg::Query kLock{"chk_lock", R"sql(
SELECT doc, tracking_hash FROM complaints WHERE id = $1::uuid FOR UPDATE)sql"};

constexpr pg::Query kGet{"chk_get", R"sql(
SELECT doc, tracking_hash FROM complaints WHERE id = $1::uuid)sql"};

constexpr pg::Query kByReference{"chk_by_reference", R"sql(
SELECT doc, tracking_hash FROM complaints WHERE reference = $1)sql"};

constexpr pg::Query kUpdate{"chk_update", R"sql(
UPDATE complaints SET state = $2, assignee = $3, answer_due = to_timestamp($4::numeric / 1000000),
  doc = $5, resolved_at = to_timestamp($6::numeric / 1000000)
WHERE id = $1::uuid)sql"};

// $2/$3 scope: authority codes and "<code>.%" prefixes (NULL: national); $4 submitter ('' = any).
constexpr pg::Query kList{"chk_list", R"sql(
SELECT doc FROM complaints
WHERE ($1 = '' OR authority_code = $1)
  AND )sql" ZP_IN_TERRITORY_SCOPE("authority_code", "$2", "$3") R"sql(
  AND ($4 = '' OR submitter = $4)
  AND ($5::int = 0 OR state = $5::int)
  AND (NOT $6::bool OR overdue)
  AND ($7::uuid IS NULL OR id > $7::uuid)
  AND (cardinality($9::text[]) = 0 OR words @@ (
    SELECT string_agg(quote_literal(w) || ':*', ' & ')::tsquery FROM unnest($9::text[]) AS w))
ORDER BY id LIMIT $8)sql"};

int64_t Micros(const google::protobuf::Timestamp& t) {
  return TimeUtil::TimestampToMicroseconds(t);
}

// The resolved_at column: the last answer's time while RESOLVED, NULL otherwise.
pg::Param ResolvedAt(const v1::Complaint& doc) {
  if (doc.state() != v1::RESOLVED || !doc.has_resolve_time()) return nullptr;
  return absl::StrCat(Micros(doc.resolve_time()));
}

template <typename Db>
absl::StatusOr<std::optional<StoredComplaint>> Load(Db& db, const pg::Query& q,
                                                    const std::string& key) {
  ASSIGN_OR_RETURN(pg::Result r, db.Exec(q, {key}));
  if (r.rows() == 0) return std::optional<StoredComplaint>();
  StoredComplaint row;
  if (!row.doc.ParseFromString(r.Bytes(0, 0))) {
    return absl::DataLossError("complaint document does not parse");
  }
  row.tracking_hash = std::string(r.Text(0, 1));
  return std::optional<StoredComplaint>(std::move(row));
}

class PgComplaintTx final : public ComplaintTx {
 public:
  PgComplaintTx(pg::Transaction& tx, const territory::Referential& referential,
                const service::Recorder& recorder)
      : tx_(tx), referential_(referential), recorder_(recorder) {}

  absl::StatusOr<std::optional<StoredComplaint>> Lock(const std::string& id) override {
    return Load(tx_, kLock, id);
  }
  absl::StatusOr<Deadlines> DeadlinesOf(v1::Kind kind) override {
    ASSIGN_OR_RETURN(pg::Result d, tx_.Exec(kDeadlines, {static_cast<int>(kind)}));
    if (d.rows() == 0) return absl::InternalError("no deadlines for this kind");
    return Deadlines{static_cast<int>(d.Int(0, 0)), static_cast<int>(d.Int(0, 1)), d.Bool(0, 2)};
  }
  absl::Status Insert(const v1::Complaint& doc, const std::string& tracking_hash) override {
    const Parents parents = ParentsOf(referential_, doc.authority_code());
    return tx_
        .Exec(kInsert,
              {doc.id(), doc.reference(), static_cast<int>(doc.kind()),
               static_cast<int>(doc.state()), doc.authority_code(), parents.province,
               parents.region, static_cast<int>(doc.submitter_kind()), doc.submitter(),
               tracking_hash, absl::StrCat(Micros(doc.create_time())),
               absl::StrCat(Micros(doc.acknowledge_due_time())),
               absl::StrCat(Micros(doc.answer_due_time())),
               pg::Param::Bytes(doc.SerializeAsString()), pg::TextArray(ComplaintWords(doc))})
        .status();
  }
  absl::Status Update(const v1::Complaint& doc) override {
    return tx_
        .Exec(kUpdate, {doc.id(), static_cast<int>(doc.state()), doc.assignee(),
                        absl::StrCat(Micros(doc.answer_due_time())),
                        pg::Param::Bytes(doc.SerializeAsString()), ResolvedAt(doc)})
        .status();
  }
  absl::Status Record(const service::Change& change) override {
    return recorder_.Record(tx_, change);
  }

 private:
  pg::Transaction& tx_;
  const territory::Referential& referential_;
  const service::Recorder& recorder_;
};

}  // namespace

PgComplaintStore::PgComplaintStore(pg::Pool& pool,
                                   std::shared_ptr<const territory::Referential> referential,
                                   const core::Clock& clock, events::OutboxNotifier* notifier,
                                   std::string topic)
    : pool_(pool),
      files_(content_, {AttachmentKind()}, clock),
      referential_(std::move(referential)),
      recorder_("chikaya", std::move(topic), notifier, clock) {}

absl::StatusOr<std::string> PgComplaintStore::Idempotent(
    const service::IdempotentCall& call,
    const std::function<absl::StatusOr<std::string>(ComplaintTx&)>& work) {
  return service::PgIdempotent(pool_, call, [&](pg::Transaction& tx) {
    PgComplaintTx unit(tx, *referential_, recorder_);
    return work(unit);
  });
}

absl::StatusOr<std::optional<StoredComplaint>> PgComplaintStore::Get(const std::string& id) {
  return Load(pool_, kGet, id);
}

absl::StatusOr<std::optional<StoredComplaint>> PgComplaintStore::ByReference(
    const std::string& reference) {
  return Load(pool_, kByReference, reference);
}

absl::StatusOr<std::vector<v1::Complaint>> PgComplaintStore::List(const ComplaintFilter& f) {
  const pg::Param after = f.after_id;
  ASSIGN_OR_RETURN(pg::Result rows,
                   pool_.Exec(kList, {f.authority_code, f.scope.codes(), f.scope.prefixes(),
                                      f.submitter, static_cast<int>(f.state), f.overdue_only, after,
                                      f.limit + 1, pg::TextArray(f.words)}));
  std::vector<v1::Complaint> out(rows.rows());
  for (int i = 0; i < rows.rows(); ++i) {
    if (!out[i].ParseFromString(rows.Bytes(i, 0))) {
      return absl::DataLossError("complaint document does not parse");
    }
  }
  return out;
}

absl::StatusOr<std::vector<v1::Category>> PgComplaintStore::Categories(v1::Kind kind) {
  ASSIGN_OR_RETURN(pg::Result rows, pool_.Exec(kCategories, {static_cast<int>(kind)}));
  std::vector<v1::Category> out(rows.rows());
  for (int i = 0; i < rows.rows(); ++i) {
    out[i].set_kind(static_cast<v1::Kind>(rows.Int(i, 0)));
    out[i].set_code(std::string(rows.Text(i, 1)));
    out[i].mutable_name()->set_ar(std::string(rows.Text(i, 2)));
    out[i].mutable_name()->set_fr(std::string(rows.Text(i, 3)));
  }
  return out;
}

absl::StatusOr<bool> PgComplaintStore::HasCategory(v1::Kind kind, const std::string& code) {
  ASSIGN_OR_RETURN(pg::Result r, pool_.Exec(kCategory, {static_cast<int>(kind), code}));
  return r.rows() > 0;
}

absl::StatusOr<StatCountsByTerritory> PgComplaintStore::StatCounts(
    const std::vector<std::string>& territories, const v1::StatsRequest& request) {
  return ReadStatCounts(pool_, territories, request);
}

absl::StatusOr<v1::Attachment> PgComplaintStore::PutAttachment(const std::string& content,
                                                               const std::string& declared_type) {
  files::StoredFile stored;
  RETURN_IF_ERROR(pg::RunInTransaction(pool_, [&](pg::Transaction& tx) -> absl::Status {
    ASSIGN_OR_RETURN(stored, files_.Store(tx, kAttachmentKind, content, declared_type, "content"));
    return absl::OkStatus();
  }));
  v1::Attachment a;
  a.set_sha256(stored.sha256);
  a.set_content_type(stored.mime_type);
  a.set_size(stored.size);
  return a;
}

absl::StatusOr<bool> PgComplaintStore::HasAttachment(const std::string& sha256) {
  ASSIGN_OR_RETURN(pg::PooledConnection conn, pool_.Acquire());
  ASSIGN_OR_RETURN(std::optional<files::StoredFile> file, files_.Find(*conn, sha256));
  return file.has_value();
}

absl::StatusOr<std::optional<api::v1::HttpBody>> PgComplaintStore::GetAttachment(
    const std::string& sha256) {
  ASSIGN_OR_RETURN(pg::PooledConnection conn, pool_.Acquire());
  ASSIGN_OR_RETURN(std::optional<files::StoredFile> file, files_.Find(*conn, sha256));
  if (!file.has_value()) return std::optional<api::v1::HttpBody>();
  api::v1::HttpBody body;
  body.set_content_type(file->mime_type);
  ASSIGN_OR_RETURN(*body.mutable_data(), files_.Content(*conn, sha256));
  return std::optional<api::v1::HttpBody>(std::move(body));
}

}  // namespace zp::chikaya
