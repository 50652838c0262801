#include "services/chikaya/src/desk.h"

#include <functional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/util/time_util.h"
#include "services/chikaya/src/stats.h"
#include "zp/auth/territory_scope.h"
#include "zp/chikaya/v1/events.pb.h"
#include "zp/core/api.h"
#include "zp/core/dates.h"
#include "zp/core/files.h"
#include "zp/core/random.h"
#include "zp/core/reference.h"
#include "zp/core/status.h"
#include "zp/core/uuid.h"
#include "zp/events/event.h"
#include "zp/pg/idempotency.h"

namespace zp::chikaya {
namespace {

namespace roles = auth::roles;
using core::RuleError;
using google::protobuf::util::TimeUtil;

constexpr char kSource[] = "chikaya";
constexpr char kNational[] = "MA";

// Morocco, southern provinces included.
constexpr double kMinLatitude = 20.7, kMaxLatitude = 36.0;
constexpr double kMinLongitude = -17.3, kMaxLongitude = -0.9;

constexpr pg::Query kCategories{"chk_categories", R"sql(
SELECT kind, code, name_ar, name_fr FROM categories WHERE ($1::int = 0 OR kind = $1::int)
ORDER BY kind, code)sql"};

constexpr pg::Query kCategory{"chk_category", R"sql(
SELECT 1 FROM categories WHERE kind = $1 AND code = $2)sql"};

constexpr pg::Query kDeadlines{"chk_deadlines", R"sql(
SELECT acknowledge_days, answer_days, business_days FROM deadlines WHERE kind = $1)sql"};

constexpr pg::Query kInsert{"chk_insert", R"sql(
INSERT INTO complaints (id, reference, kind, state, authority_code, province_code, region_code,
  submitter_kind, submitter, tracking_hash, created_at, acknowledge_due, answer_due, doc)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, to_timestamp($11::numeric / 1000000),
        to_timestamp($12::numeric / 1000000), to_timestamp($13::numeric / 1000000), $14))sql"};

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
ORDER BY id LIMIT $8)sql"};

// Staff of an authority act on its complaints; the province's supervision cell on every
// authority of the province.
constexpr std::initializer_list<absl::string_view> kAgents = {roles::kAgent, roles::kCtAdmin};
constexpr std::initializer_list<absl::string_view> kSupervisors = {roles::kProvinceCell,
                                                                   roles::kGovernor};
constexpr std::initializer_list<absl::string_view> kReaders = {roles::kDgct, roles::kAuditor};

bool Holds(const auth::Principal& p, absl::string_view code) {
  for (const std::string& t : p.territories) {
    if (t == code) return true;
  }
  return false;
}

int64_t Micros(const google::protobuf::Timestamp& t) {
  return TimeUtil::TimestampToMicroseconds(t);
}

// The resolved_at column: the last answer's time while RESOLVED, NULL otherwise.
pg::Param ResolvedAt(const v1::Complaint& doc) {
  if (doc.state() != v1::RESOLVED || !doc.has_resolve_time()) return nullptr;
  return absl::StrCat(Micros(doc.resolve_time()));
}
using core::ToTimestamp;

absl::Time AddDays(absl::Time from, int days, bool business_days) {
  if (!business_days) return from + absl::Hours(24) * days;
  absl::Time t = from;
  const absl::TimeZone utc = absl::UTCTimeZone();
  while (days > 0) {
    t += absl::Hours(24);
    absl::Weekday wd = absl::GetWeekday(absl::ToCivilDay(t, utc));
    if (wd != absl::Weekday::saturday && wd != absl::Weekday::sunday) --days;
  }
  return t;
}

struct Row {
  v1::Complaint doc;
  std::string tracking_hash;
};

template <typename Db>
absl::StatusOr<std::optional<Row>> Load(Db& db, const pg::Query& q, const std::string& key) {
  ASSIGN_OR_RETURN(pg::Result r, db.Exec(q, {key}));
  if (r.rows() == 0) return std::optional<Row>();
  Row row;
  if (!row.doc.ParseFromString(r.Bytes(0, 0))) {
    return absl::DataLossError("complaint document does not parse");
  }
  row.tracking_hash = std::string(r.Text(0, 1));
  return std::optional<Row>(std::move(row));
}

absl::Status NotFound(absl::string_view id) {
  return absl::NotFoundError(absl::StrCat("complaint ", id, " not found"));
}

absl::Status InvalidState(v1::State state) {
  return RuleError(absl::StatusCode::kFailedPrecondition, reasons::kInvalidState, "",
                   absl::StrCat("not allowed from state ", v1::State_Name(state)),
                   {{"state", v1::State_Name(state)}});
}

}  // namespace

Desk::Desk(pg::Pool& pool, std::shared_ptr<const territory::Referential> referential,
           const core::Clock& clock, events::OutboxNotifier* notifier, std::string topic)
    : pool_(pool),
      referential_(std::move(referential)),
      clock_(clock),
      recorder_(kSource, std::move(topic), notifier, clock) {}

namespace {

// Who reads a complaint: its submitter, staff of its authority, the supervision cells and
// governors above it, DGCT and auditors within their territory.
bool CanRead(const Caller& c, const v1::Complaint& doc, const territory::Referential& ref) {
  if (c.anonymous()) return false;
  const auth::Principal& p = c.principal;
  if (!doc.submitter().empty() && p.subject == doc.submitter()) return true;
  if (auth::HasAnyRole(p, kAgents) && Holds(p, doc.authority_code())) return true;
  if (auth::HasAnyRole(p, kSupervisors) || auth::HasAnyRole(p, kReaders)) {
    return auth::CanAccessTerritory(p, doc.authority_code(), ref);
  }
  return false;
}

// Who acts on it: staff of its authority, or the supervision cell of its province.
absl::StatusOr<std::string> StaffRole(const Caller& c, const v1::Complaint& doc,
                                      const territory::Referential& ref) {
  const auth::Principal& p = c.principal;
  for (absl::string_view role : kAgents) {
    if (p.HasRole(role) && Holds(p, doc.authority_code())) return std::string(role);
  }
  if (p.HasRole(roles::kProvinceCell) && auth::CanAccessTerritory(p, doc.authority_code(), ref)) {
    return std::string(roles::kProvinceCell);
  }
  return absl::Status(absl::StatusCode::kNotFound, "");
}

}  // namespace

absl::StatusOr<v1::ListCategoriesResponse> Desk::ListCategories(
    const Caller&, const v1::ListCategoriesRequest& r) {
  ASSIGN_OR_RETURN(pg::Result rows, pool_.Exec(kCategories, {static_cast<int>(r.kind())}));
  v1::ListCategoriesResponse out;
  for (int i = 0; i < rows.rows(); ++i) {
    v1::Category* c = out.add_categories();
    c->set_kind(static_cast<v1::Kind>(rows.Int(i, 0)));
    c->set_code(std::string(rows.Text(i, 1)));
    c->mutable_name()->set_ar(std::string(rows.Text(i, 2)));
    c->mutable_name()->set_fr(std::string(rows.Text(i, 3)));
  }
  return out;
}

absl::StatusOr<v1::SubmitResponse> Desk::Submit(const Caller& c, const v1::SubmitRequest& r) {
  RETURN_IF_ERROR(core::CheckRequestId(r.request_id()));
  v1::SubmitterKind submitter_kind = v1::ANONYMOUS;
  std::string role = "anonymous";
  if (!c.anonymous()) {
    ASSIGN_OR_RETURN(role, auth::ActingRole(c.principal, {roles::kCitizen, roles::kCompany}));
    submitter_kind = role == roles::kCitizen ? v1::CITIZEN : v1::COMPANY;
  }
  core::Violations v;
  if (r.kind() == v1::KIND_UNSPECIFIED) v.Add("kind", "COMPLAINT, OBSERVATION or SUGGESTION");
  const territory::Territory* authority = referential_->Find(r.authority_code());
  if (authority == nullptr || !authority->IsLocalAuthority()) {
    v.Add("authority_code", "a commune, province, prefecture or region of the referential");
  }
  if (r.subject().empty() || core::CharacterCount(r.subject()) > 200) {
    v.Add("subject", "required, at most 200 characters");
  }
  if (r.description().empty()) v.Add("description", "required");
  if (core::CharacterCount(r.description()) > kMaxDescription) {
    v.Add("description", absl::StrCat("at most ", kMaxDescription, " characters"));
  }
  if (r.has_location()) {
    const auto& l = r.location();
    if (l.latitude() < kMinLatitude || l.latitude() > kMaxLatitude ||
        l.longitude() < kMinLongitude || l.longitude() > kMaxLongitude) {
      v.Add("location", "inside Morocco (latitude 20.7..36.0, longitude -17.3..-0.9)");
    }
  }
  if (r.attachment_refs_size() > 10) v.Add("attachment_refs", "at most 10");
  for (int i = 0; i < r.attachment_refs_size(); ++i) {
    if (r.attachment_refs(i).empty() || r.attachment_refs(i).size() > 200) {
      v.Add(absl::StrCat("attachment_refs[", i, "]"), "1 to 200 characters");
    }
  }
  if (submitter_kind == v1::ANONYMOUS && r.contact().email().empty() &&
      r.contact().phone().empty()) {
    v.Add("contact", "an e-mail address or a phone number, to receive the answer");
  }
  if (!r.contact().email().empty() &&
      (r.contact().email().find('@') == std::string::npos || r.contact().email().size() > 200)) {
    v.Add("contact.email", "an e-mail address");
  }
  if (!r.contact().phone().empty() &&
      (r.contact().phone().size() > 20 ||
       r.contact().phone().find_first_not_of("+0123456789 ") != std::string::npos)) {
    v.Add("contact.phone", "digits, spaces and an optional leading +");
  }
  RETURN_IF_ERROR(v.ToStatus());
  ASSIGN_OR_RETURN(pg::Result category,
                   pool_.Exec(kCategory, {static_cast<int>(r.kind()), r.category()}));
  if (category.rows() == 0) {
    return core::InvalidArgumentError("category", "not in the catalogue of this kind");
  }
  const std::string subject = !c.anonymous() ? c.principal.subject : "";
  return pg::RunIdempotent<v1::SubmitResponse>(
      pool_, "Submit", subject, r.request_id(), r,
      [&](pg::Transaction& tx) -> absl::StatusOr<v1::SubmitResponse> {
        v1::SubmitResponse out;
        v1::Complaint& doc = *out.mutable_complaint();
        const absl::Time now = absl::FromUnixMicros(absl::ToUnixMicros(clock_.Now()));
        doc.set_id(core::NewUuidV7());
        doc.set_reference(core::HumanReference::Generate("CHK", now));
        doc.set_kind(r.kind());
        doc.set_category(r.category());
        doc.set_authority_code(r.authority_code());
        doc.set_subject(r.subject());
        doc.set_description(r.description());
        if (r.has_location()) *doc.mutable_location() = r.location();
        *doc.mutable_attachment_refs() = r.attachment_refs();
        doc.set_state(v1::SUBMITTED);
        doc.set_submitter_kind(submitter_kind);
        doc.set_submitter(subject);
        *doc.mutable_contact() = r.contact();
        std::string tracking_hash;
        if (submitter_kind == v1::ANONYMOUS) {
          out.set_tracking_secret(core::SecureRandomString(
              24, "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789"));
          tracking_hash = core::Sha256Hex(out.tracking_secret());
        }
        RETURN_IF_ERROR(Insert(tx, c, role, r.request_id(), "Submit", doc, tracking_hash, now));
        return out;
      });
}

absl::Status Desk::Record(pg::Transaction& tx, const Caller& c, const std::string& role,
                          const std::string& request_id, const std::string& method,
                          const v1::Complaint& doc, const google::protobuf::Message& event) {
  service::Change change = service::ChangeBy(c, role, method);
  if (c.anonymous()) change.actor = absl::StrCat("anonymous:", doc.reference());
  change.request_id = request_id;
  change.resource = absl::StrCat("complaints/", doc.id());
  change.subject = doc.id();
  change.territory = doc.authority_code();
  change.event = &event;
  change.state = &doc;
  return recorder_.Record(tx, change);
}

absl::Status Desk::Insert(pg::Transaction& tx, const Caller& c, const std::string& role,
                          const std::string& request_id, const std::string& method,
                          v1::Complaint& doc, const std::string& tracking_hash, absl::Time now) {
  ASSIGN_OR_RETURN(pg::Result d, tx.Exec(kDeadlines, {static_cast<int>(doc.kind())}));
  if (d.rows() == 0) return absl::InternalError("no deadlines for this kind");
  const bool business = d.Bool(0, 2);
  *doc.mutable_create_time() = ToTimestamp(now);
  *doc.mutable_acknowledge_due_time() =
      ToTimestamp(AddDays(now, static_cast<int>(d.Int(0, 0)), business));
  *doc.mutable_answer_due_time() =
      ToTimestamp(AddDays(now, static_cast<int>(d.Int(0, 1)), business));
  const Parents parents = ParentsOf(*referential_, doc.authority_code());
  RETURN_IF_ERROR(
      tx.Exec(kInsert, {doc.id(), doc.reference(), static_cast<int>(doc.kind()),
                        static_cast<int>(doc.state()), doc.authority_code(), parents.province,
                        parents.region, static_cast<int>(doc.submitter_kind()), doc.submitter(),
                        tracking_hash, absl::StrCat(Micros(doc.create_time())),
                        absl::StrCat(Micros(doc.acknowledge_due_time())),
                        absl::StrCat(Micros(doc.answer_due_time())),
                        pg::Param::Bytes(doc.SerializeAsString())})
          .status());
  v1::ComplaintSubmitted event;
  event.set_complaint_id(doc.id());
  event.set_reference(doc.reference());
  event.set_kind(doc.kind());
  event.set_category(doc.category());
  event.set_authority_code(doc.authority_code());
  event.set_submitter_kind(doc.submitter_kind());
  event.set_redirected_from(doc.redirected_from());
  *event.mutable_create_time() = doc.create_time();
  return Record(tx, c, role, request_id, method, doc, event);
}

absl::StatusOr<v1::Complaint> Desk::GetComplaint(const Caller& c,
                                                 const v1::GetComplaintRequest& r) {
  if (!core::IsUuid(r.id())) return NotFound(r.id());
  ASSIGN_OR_RETURN(auto row, Load(pool_, kGet, r.id()));
  if (!row.has_value() || !CanRead(c, row->doc, *referential_)) return NotFound(r.id());
  return row->doc;
}

absl::StatusOr<v1::Complaint> Desk::TrackComplaint(const Caller&,
                                                   const v1::TrackComplaintRequest& r) {
  ASSIGN_OR_RETURN(std::string reference,
                   core::HumanReference::Normalize(r.reference(), "reference"));
  ASSIGN_OR_RETURN(auto row, Load(pool_, kByReference, reference));
  if (!row.has_value() || row->tracking_hash.empty() ||
      row->tracking_hash != core::Sha256Hex(r.tracking_secret())) {
    return NotFound(reference);
  }
  return row->doc;
}

absl::StatusOr<v1::ListComplaintsResponse> Desk::ListComplaints(
    const Caller& c, const v1::ListComplaintsRequest& r) {
  if (c.anonymous()) {
    return absl::UnauthenticatedError("a bearer token is required");
  }
  const auth::Principal& p = c.principal;
  ASSIGN_OR_RETURN(int size, core::PageSize(r.page_size()));
  auth::TerritoryScope scope = auth::TerritoryScope::National();
  std::string submitter;
  if (r.mine() || !(auth::HasAnyRole(p, kAgents) || auth::HasAnyRole(p, kSupervisors) ||
                    auth::HasAnyRole(p, kReaders))) {
    if (!p.HasRole(roles::kCitizen) && !p.HasRole(roles::kCompany)) {
      return absl::PermissionDeniedError("staff, citizens and companies only");
    }
    submitter = p.subject;
  } else {
    // An authority's agents see its own complaints; supervisors and readers those below them too.
    scope = auth::TerritoryScope::Of(
        p, auth::HasAnyRole(p, kSupervisors) || auth::HasAnyRole(p, kReaders)
               ? auth::TerritoryScope::Depth::kWithin
               : auth::TerritoryScope::Depth::kExact);
  }
  ASSIGN_OR_RETURN(std::optional<std::string> after_id, core::DecodeUuidPageToken(r.page_token()));
  pg::Param after = after_id;
  ASSIGN_OR_RETURN(
      pg::Result rows,
      pool_.Exec(kList, {r.authority_code(), scope.codes(), scope.prefixes(), submitter,
                         static_cast<int>(r.state()), r.overdue_only(), after, size + 1}));
  v1::ListComplaintsResponse out;
  for (int i = 0; i < rows.rows() && i < size; ++i) {
    if (!out.add_complaints()->ParseFromString(rows.Bytes(i, 0))) {
      return absl::DataLossError("complaint document does not parse");
    }
  }
  if (rows.rows() > size) {
    out.set_next_page_token(core::EncodePageToken(out.complaints(size - 1).id()));
  }
  return out;
}

v1::ComplaintStateChanged StateChangeEvent(const v1::Complaint& before, const v1::Complaint& after,
                                           absl::Time now) {
  v1::ComplaintStateChanged e;
  e.set_complaint_id(after.id());
  e.set_kind(after.kind());
  e.set_authority_code(after.authority_code());
  e.set_from(before.state());
  e.set_to(after.state());
  *e.mutable_time() = ToTimestamp(now);
  *e.mutable_create_time() = after.create_time();
  e.set_within_deadline(absl::ToUnixMicros(now) <= Micros(after.answer_due_time()));
  e.set_was_overdue(before.overdue());
  e.set_first_answer(!before.has_resolve_time());
  return e;
}

absl::StatusOr<v1::Complaint> Desk::StaffStep(const Caller& c, const std::string& request_id,
                                              const std::string& id, const std::string& method,
                                              const google::protobuf::Message& request,
                                              std::initializer_list<v1::State> from, v1::State to,
                                              const Change& change) {
  if (c.anonymous()) return absl::UnauthenticatedError("a bearer token is required");
  if (!auth::HasAnyRole(c.principal, kAgents) && !c.principal.HasRole(roles::kProvinceCell)) {
    return absl::PermissionDeniedError("agents of the authority and supervision cells only");
  }
  RETURN_IF_ERROR(core::CheckRequestId(request_id));
  std::vector<v1::State> allowed(from);
  return pg::RunIdempotent<v1::Complaint>(
      pool_, method, c.principal.subject, request_id, request,
      [&](pg::Transaction& tx) -> absl::StatusOr<v1::Complaint> {
        if (!core::IsUuid(id)) return NotFound(id);
        ASSIGN_OR_RETURN(auto row, Load(tx, kLock, id));
        if (!row.has_value()) return NotFound(id);
        auto role = StaffRole(c, row->doc, *referential_);
        if (!role.ok()) return NotFound(id);
        const v1::Complaint before = row->doc;
        if (std::find(allowed.begin(), allowed.end(), before.state()) == allowed.end()) {
          return InvalidState(before.state());
        }
        v1::Complaint after = before;
        after.set_state(to);
        RETURN_IF_ERROR(change(tx, after, *role, row->tracking_hash));
        const absl::Time now = clock_.Now();
        RETURN_IF_ERROR(
            tx.Exec(kUpdate, {id, static_cast<int>(after.state()), after.assignee(),
                              absl::StrCat(Micros(after.answer_due_time())),
                              pg::Param::Bytes(after.SerializeAsString()), ResolvedAt(after)})
                .status());
        RETURN_IF_ERROR(
            Record(tx, c, *role, request_id, method, after, StateChangeEvent(before, after, now)));
        return after;
      });
}

absl::StatusOr<v1::Complaint> Desk::SubmitterStep(const Caller& c, const std::string& request_id,
                                                  const std::string& id, const std::string& secret,
                                                  const std::string& method,
                                                  const google::protobuf::Message& request,
                                                  const Change& change) {
  RETURN_IF_ERROR(core::CheckRequestId(request_id));
  const std::string caller = !c.anonymous() ? c.principal.subject : "";
  return pg::RunIdempotent<v1::Complaint>(
      pool_, method, caller, request_id, request,
      [&](pg::Transaction& tx) -> absl::StatusOr<v1::Complaint> {
        if (!core::IsUuid(id)) return NotFound(id);
        ASSIGN_OR_RETURN(auto row, Load(tx, kLock, id));
        if (!row.has_value()) return NotFound(id);
        const bool by_account = !caller.empty() && caller == row->doc.submitter();
        const bool by_secret = !secret.empty() && !row->tracking_hash.empty() &&
                               core::Sha256Hex(secret) == row->tracking_hash;
        if (!by_account && !by_secret) return NotFound(id);
        const v1::Complaint before = row->doc;
        v1::Complaint after = before;
        RETURN_IF_ERROR(change(tx, after, "submitter", row->tracking_hash));
        const absl::Time now = clock_.Now();
        RETURN_IF_ERROR(
            tx.Exec(kUpdate, {id, static_cast<int>(after.state()), after.assignee(),
                              absl::StrCat(Micros(after.answer_due_time())),
                              pg::Param::Bytes(after.SerializeAsString()), ResolvedAt(after)})
                .status());
        if (after.rating() != before.rating()) {
          v1::ComplaintRated rated;
          rated.set_complaint_id(id);
          rated.set_kind(after.kind());
          rated.set_authority_code(after.authority_code());
          rated.set_rating(after.rating());
          *rated.mutable_create_time() = after.create_time();
          RETURN_IF_ERROR(Record(tx, c, "submitter", request_id, method, after, rated));
          return after;
        }
        RETURN_IF_ERROR(Record(tx, c, "submitter", request_id, method, after,
                               StateChangeEvent(before, after, now)));
        return after;
      });
}

constexpr std::initializer_list<v1::State> kOpen = {v1::SUBMITTED, v1::ACKNOWLEDGED, v1::ASSIGNED,
                                                    v1::IN_PROGRESS, v1::REOPENED};

absl::StatusOr<v1::Complaint> Desk::Acknowledge(const Caller& c, const v1::TransitionRequest& r) {
  return StaffStep(
      c, r.request_id(), r.id(), "Acknowledge", r, {v1::SUBMITTED, v1::REOPENED}, v1::ACKNOWLEDGED,
      [&](pg::Transaction&, v1::Complaint& doc, const std::string&, const std::string&) {
        *doc.mutable_acknowledge_time() = ToTimestamp(clock_.Now());
        return absl::OkStatus();
      });
}

absl::StatusOr<v1::Complaint> Desk::Assign(const Caller& c, const v1::AssignRequest& r) {
  if (r.assignee().empty()) return core::InvalidArgumentError("assignee", "required");
  return StaffStep(
      c, r.request_id(), r.id(), "Assign", r, {v1::ACKNOWLEDGED, v1::ASSIGNED, v1::IN_PROGRESS},
      v1::ASSIGNED,
      [&](pg::Transaction&, v1::Complaint& doc, const std::string&, const std::string&) {
        doc.set_assignee(r.assignee());
        return absl::OkStatus();
      });
}

absl::StatusOr<v1::Complaint> Desk::StartWork(const Caller& c, const v1::TransitionRequest& r) {
  return StaffStep(c, r.request_id(), r.id(), "StartWork", r, {v1::ASSIGNED}, v1::IN_PROGRESS,
                   [](pg::Transaction&, v1::Complaint&, const std::string&, const std::string&) {
                     return absl::OkStatus();
                   });
}

absl::StatusOr<v1::Complaint> Desk::Resolve(const Caller& c, const v1::ResolveRequest& r) {
  if (r.response().empty() || core::CharacterCount(r.response()) > kMaxDescription) {
    return core::InvalidArgumentError(
        "response", absl::StrCat("required to resolve, at most ", kMaxDescription, " characters"));
  }
  return StaffStep(
      c, r.request_id(), r.id(), "Resolve", r, {v1::ACKNOWLEDGED, v1::ASSIGNED, v1::IN_PROGRESS},
      v1::RESOLVED,
      [&](pg::Transaction&, v1::Complaint& doc, const std::string&, const std::string&) {
        doc.set_response(r.response());
        *doc.mutable_resolve_time() = ToTimestamp(clock_.Now());
        return absl::OkStatus();
      });
}

absl::StatusOr<v1::Complaint> Desk::Reject(const Caller& c, const v1::RejectRequest& r) {
  if (r.reason().empty() || core::CharacterCount(r.reason()) > kMaxDescription) {
    return core::InvalidArgumentError("reason", "required to reject (outside the competence)");
  }
  return StaffStep(
      c, r.request_id(), r.id(), "Reject", r, kOpen, v1::REJECTED,
      [&](pg::Transaction&, v1::Complaint& doc, const std::string&, const std::string&) {
        doc.set_rejection_reason(r.reason());
        *doc.mutable_resolve_time() = ToTimestamp(clock_.Now());
        return absl::OkStatus();
      });
}

absl::StatusOr<v1::RedirectResponse> Desk::Redirect(const Caller& c, const v1::RedirectRequest& r) {
  const territory::Territory* target = referential_->Find(r.authority_code());
  if (target == nullptr || !target->IsLocalAuthority()) {
    return core::InvalidArgumentError("authority_code", "a local authority of the referential");
  }
  if (r.reason().empty()) return core::InvalidArgumentError("reason", "required");
  v1::RedirectResponse out;
  auto original = StaffStep(
      c, r.request_id(), r.id(), "Redirect", r, kOpen, v1::REDIRECTED,
      [&](pg::Transaction& tx, v1::Complaint& doc, const std::string& role,
          const std::string& tracking_hash) -> absl::Status {
        if (doc.authority_code() == r.authority_code()) {
          return RuleError(absl::StatusCode::kInvalidArgument, reasons::kSameAuthority,
                           "authority_code", "the complaint is already at this authority");
        }
        // The other authority receives it as a new complaint, with new deadlines.
        const absl::Time now = absl::FromUnixMicros(absl::ToUnixMicros(clock_.Now()));
        v1::Complaint moved = doc;
        moved.set_id(core::NewUuidV7());
        moved.set_reference(core::HumanReference::Generate("CHK", now));
        moved.set_authority_code(r.authority_code());
        moved.set_state(v1::SUBMITTED);
        moved.set_redirected_from(doc.id());
        moved.clear_assignee();
        moved.clear_acknowledge_time();
        moved.clear_rejection_reason();
        RETURN_IF_ERROR(Insert(tx, c, role, r.request_id(), "Redirect", moved, tracking_hash, now));
        doc.set_redirected_to(moved.id());
        doc.set_rejection_reason(r.reason());
        return absl::OkStatus();
      });
  if (!original.ok()) return original.status();
  *out.mutable_original() = *original;
  ASSIGN_OR_RETURN(auto redirected, Load(pool_, kGet, original->redirected_to()));
  if (redirected.has_value()) *out.mutable_redirected() = redirected->doc;
  return out;
}

absl::StatusOr<v1::StatsResponse> Desk::Stats(const Caller& c, const v1::StatsRequest& r) {
  if (c.anonymous()) return absl::UnauthenticatedError("a bearer token is required");
  const auth::Principal& p = c.principal;
  const bool national = r.territory_code() == kNational;
  const territory::Territory* t = referential_->Find(r.territory_code());
  if (t == nullptr || (!national && !t->IsLocalAuthority())) {
    return core::InvalidArgumentError("territory_code",
                                      "a local authority, province, region, or MA");
  }
  bool allowed = false;
  if (auth::HasAnyRole(p, kAgents)) allowed = Holds(p, r.territory_code());
  if (auth::HasAnyRole(p, kSupervisors) || auth::HasAnyRole(p, kReaders)) {
    allowed = allowed || auth::CanAccessTerritory(p, r.territory_code(), *referential_);
  }
  if (!allowed) return absl::NotFoundError(absl::StrCat("territory ", r.territory_code()));
  return ReadStats(pool_, r);
}

absl::StatusOr<v1::Complaint> Desk::Reopen(const Caller& c, const v1::SubmitterActionRequest& r) {
  return SubmitterStep(
      c, r.request_id(), r.id(), r.tracking_secret(), "Reopen", r,
      [&](pg::Transaction&, v1::Complaint& doc, const std::string&,
          const std::string&) -> absl::Status {
        if (doc.state() != v1::RESOLVED) return InvalidState(doc.state());
        const absl::Time resolved = absl::FromUnixMicros(Micros(doc.resolve_time()));
        if (clock_.Now() - resolved > absl::Hours(24) * kReopenDays) {
          return RuleError(
              absl::StatusCode::kFailedPrecondition, reasons::kReopenWindowClosed, "",
              absl::StrCat("a complaint reopens within ", kReopenDays, " days of its resolution"));
        }
        doc.set_state(v1::REOPENED);
        doc.clear_response();
        // A new answer deadline, as long as the first one.
        const int64_t span = Micros(doc.answer_due_time()) - Micros(doc.create_time());
        *doc.mutable_answer_due_time() =
            TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(clock_.Now()) + span);
        return absl::OkStatus();
      });
}

absl::StatusOr<v1::Complaint> Desk::Close(const Caller& c, const v1::SubmitterActionRequest& r) {
  return SubmitterStep(c, r.request_id(), r.id(), r.tracking_secret(), "Close", r,
                       [&](pg::Transaction&, v1::Complaint& doc, const std::string&,
                           const std::string&) -> absl::Status {
                         if (doc.state() != v1::RESOLVED) return InvalidState(doc.state());
                         doc.set_state(v1::CLOSED);
                         return absl::OkStatus();
                       });
}

absl::StatusOr<v1::Complaint> Desk::Rate(const Caller& c, const v1::RateRequest& r) {
  if (r.rating() < 1 || r.rating() > 5) return core::InvalidArgumentError("rating", "1 to 5");
  return SubmitterStep(c, r.request_id(), r.id(), r.tracking_secret(), "Rate", r,
                       [&](pg::Transaction&, v1::Complaint& doc, const std::string&,
                           const std::string&) -> absl::Status {
                         if (doc.state() != v1::RESOLVED && doc.state() != v1::CLOSED) {
                           return InvalidState(doc.state());
                         }
                         if (doc.rating() != 0) {
                           return RuleError(absl::StatusCode::kFailedPrecondition,
                                            reasons::kAlreadyRated, "rating",
                                            "the answer was rated already");
                         }
                         doc.set_rating(r.rating());
                         return absl::OkStatus();
                       });
}

}  // namespace zp::chikaya
