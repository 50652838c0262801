#include "services/@svc@/src/records.h"

#include "absl/strings/str_cat.h"
#include "zp/@svc@/v1/events.pb.h"
#include "zp/auth/territory_scope.h"
#include "zp/core/api.h"
#include "zp/core/dates.h"
#include "zp/core/status.h"
#include "zp/core/uuid.h"

namespace zp::@svc@ {
namespace {

namespace roles = auth::roles;

// Who creates records: the local authority's staff; who reads them: its staff and those who
// oversee its territory.
constexpr std::initializer_list<absl::string_view> kWriters = {roles::kAgent, roles::kCtAdmin};
constexpr std::initializer_list<absl::string_view> kReaders = {
    roles::kAgent, roles::kCtAdmin, roles::kProvinceCell, roles::kGovernor, roles::kDgct,
    roles::kAuditor};

absl::Status NotFound(absl::string_view id) {
  return absl::NotFoundError(absl::StrCat("record ", core::Bounded(id, 64), " not found"));
}

}  // namespace

absl::StatusOr<v1::Record> Records::CreateRecord(const rpc::Caller& c,
                                                 const v1::CreateRecordRequest& r) {
  ASSIGN_OR_RETURN(std::string role, auth::ActingRole(c.principal, kWriters));
  RETURN_IF_ERROR(core::CheckRequestId(r.request_id()));
  core::Violations v;
  const territory::Territory* t = referential_->Find(r.territory_code());
  if (t == nullptr || !t->IsLocalAuthority()) {
    v.Add("territory_code", "a commune, province, prefecture or region of the referential");
  }
  if (r.title().empty() || core::CharacterCount(r.title()) > kMaxTitle) {
    v.Add("title", absl::StrCat("required, at most ", kMaxTitle, " characters"));
  }
  RETURN_IF_ERROR(v.ToStatus());
  if (!auth::CanAccessTerritory(c.principal, r.territory_code(), *referential_)) {
    return absl::NotFoundError(absl::StrCat("territory ", r.territory_code(), " not found"));
  }
  return service::RunIdempotent<v1::Record>(
      store_, {"CreateRecord", c.principal.subject, r.request_id(), &r},
      [&](RecordTx& tx) -> absl::StatusOr<v1::Record> {
        v1::Record record;
        record.set_id(core::NewUuidV7());
        record.set_territory_code(r.territory_code());
        record.set_title(r.title());
        record.set_created_by(c.principal.subject);
        *record.mutable_create_time() =
            core::ToTimestamp(absl::FromUnixMicros(absl::ToUnixMicros(clock_.Now())));
        RETURN_IF_ERROR(tx.Insert(record));
        v1::RecordCreated created;
        created.set_record_id(record.id());
        created.set_territory_code(record.territory_code());
        created.set_title(record.title());
        service::Change change = service::ChangeBy(c, role, "CreateRecord");
        change.request_id = r.request_id();
        change.resource = absl::StrCat("records/", record.id());
        change.subject = record.id();
        change.territory = record.territory_code();
        change.event = &created;
        change.state = &record;
        RETURN_IF_ERROR(tx.Record(change));
        return record;
      });
}

absl::StatusOr<v1::Record> Records::GetRecord(const rpc::Caller& c,
                                              const v1::GetRecordRequest& r) {
  RETURN_IF_ERROR(auth::ActingRole(c.principal, kReaders).status());
  if (!core::IsUuid(r.id())) return NotFound(r.id());
  ASSIGN_OR_RETURN(std::optional<v1::Record> record, store_.Get(r.id()));
  if (!record.has_value() ||
      !auth::CanAccessTerritory(c.principal, record->territory_code(), *referential_)) {
    return NotFound(r.id());
  }
  return *record;
}

}  // namespace zp::@svc@
