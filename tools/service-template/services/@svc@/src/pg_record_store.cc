#include "services/@svc@/src/pg_record_store.h"

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"
#include "zp/core/status.h"
#include "zp/pg/transaction.h"

namespace zp::@svc@ {
namespace {

constexpr pg::Query kInsert{"@svc@_insert_record", R"sql(
INSERT INTO records (id, territory_code, created_at, doc)
VALUES ($1, $2, to_timestamp($3::numeric / 1000000), $4))sql"};

constexpr pg::Query kGet{"@svc@_get_record", "SELECT doc FROM records WHERE id = $1::uuid"};

class PgRecordTx final : public RecordTx {
 public:
  PgRecordTx(pg::Transaction& tx, const service::Recorder& recorder)
      : tx_(tx), recorder_(recorder) {}
  absl::Status Insert(const v1::Record& r) override {
    const int64_t created =
        google::protobuf::util::TimeUtil::TimestampToMicroseconds(r.create_time());
    return tx_
        .Exec(kInsert, {r.id(), r.territory_code(), absl::StrCat(created),
                        pg::Param::Bytes(r.SerializeAsString())})
        .status();
  }
  absl::Status Record(const service::Change& change) override {
    return recorder_.Record(tx_, change);
  }

 private:
  pg::Transaction& tx_;
  const service::Recorder& recorder_;
};

}  // namespace

PgRecordStore::PgRecordStore(pg::Pool& pool, const core::Clock& clock,
                             events::OutboxNotifier* notifier, std::string topic)
    : pool_(pool), recorder_("@svc@", std::move(topic), notifier, clock) {}

absl::StatusOr<std::string> PgRecordStore::Idempotent(
    const service::IdempotentCall& call,
    const std::function<absl::StatusOr<std::string>(RecordTx&)>& work) {
  return service::PgIdempotent(pool_, call, [&](pg::Transaction& tx) {
    PgRecordTx unit(tx, recorder_);
    return work(unit);
  });
}

absl::StatusOr<std::optional<v1::Record>> PgRecordStore::Get(const std::string& id) {
  ASSIGN_OR_RETURN(pg::Result r, pool_.Exec(kGet, {id}));
  if (r.rows() == 0) return std::optional<v1::Record>();
  v1::Record record;
  if (!record.ParseFromString(r.Bytes(0, 0))) {
    return absl::DataLossError("record does not parse");
  }
  return std::optional<v1::Record>(std::move(record));
}

}  // namespace zp::@svc@
