#include "services/chikaya/src/desk.h"

#include <algorithm>
#include <functional>
#include <vector>

#include "absl/strings/match.h"
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
#include "zp/names/names.h"

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

absl::Status NotFound(absl::string_view id) {
  return absl::NotFoundError(absl::StrCat("complaint ", id, " not found"));
}

absl::Status InvalidState(v1::State state) {
  return RuleError(absl::StatusCode::kFailedPrecondition, reasons::kInvalidState, "",
                   absl::StrCat("not allowed from state ", v1::State_Name(state)),
                   {{"state", v1::State_Name(state)}});
}

}  // namespace

Desk::Desk(ComplaintStore& store, std::shared_ptr<const territory::Referential> referential,
           const core::Clock& clock)
    : store_(store), referential_(std::move(referential)), clock_(clock) {}

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
  ASSIGN_OR_RETURN(std::vector<v1::Category> categories, store_.Categories(r.kind()));
  v1::ListCategoriesResponse out;
  for (v1::Category& c : categories) *out.add_categories() = std::move(c);
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
  for (int i = 0; i < r.attachment_refs_size() && i < 10; ++i) {
    if (!files::IsSha256(r.attachment_refs(i))) {
      v.Add(absl::StrCat("attachment_refs[", i, "]"),
            "the sha256 of an uploaded attachment (UploadAttachment)");
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
  for (int i = 0; i < r.attachment_refs_size(); ++i) {
    ASSIGN_OR_RETURN(bool uploaded, store_.HasAttachment(r.attachment_refs(i)));
    if (!uploaded) {
      return core::InvalidArgumentError(absl::StrCat("attachment_refs[", i, "]"),
                                        "no attachment was uploaded with this sha256");
    }
  }
  ASSIGN_OR_RETURN(bool known_category, store_.HasCategory(r.kind(), r.category()));
  if (!known_category) {
    return core::InvalidArgumentError("category", "not in the catalogue of this kind");
  }
  const std::string subject = !c.anonymous() ? c.principal.subject : "";
  return service::RunIdempotent<v1::SubmitResponse>(
      store_, {"Submit", subject, r.request_id(), &r},
      [&](ComplaintTx& tx) -> absl::StatusOr<v1::SubmitResponse> {
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

absl::Status Desk::Record(ComplaintTx& tx, const Caller& c, const std::string& role,
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
  return tx.Record(change);
}

absl::Status Desk::Insert(ComplaintTx& tx, const Caller& c, const std::string& role,
                          const std::string& request_id, const std::string& method,
                          v1::Complaint& doc, const std::string& tracking_hash, absl::Time now,
                          const std::string& note) {
  ASSIGN_OR_RETURN(Deadlines d, tx.DeadlinesOf(doc.kind()));
  *doc.mutable_create_time() = ToTimestamp(now);
  *doc.mutable_acknowledge_due_time() =
      ToTimestamp(AddDays(now, d.acknowledge_days, d.business_days));
  *doc.mutable_answer_due_time() = ToTimestamp(AddDays(now, d.answer_days, d.business_days));
  doc.clear_timeline();  // a redirected complaint starts its own
  AddStep(doc, now, method == "Submit" ? "submitter" : role, note);
  RETURN_IF_ERROR(tx.Insert(doc, tracking_hash));
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
  std::optional<StoredComplaint> row;
  if (core::IsUuid(r.id())) {
    ASSIGN_OR_RETURN(row, store_.Get(r.id()));
  } else if (absl::StatusOr<std::string> reference = core::HumanReference::Normalize(r.id(), "id");
             reference.ok() && absl::StartsWith(*reference, "CHK-")) {
    ASSIGN_OR_RETURN(row, store_.ByReference(*reference));
  }
  if (!row.has_value() || !CanRead(c, row->doc, *referential_)) return NotFound(r.id());
  return row->doc;
}

absl::StatusOr<v1::Complaint> Desk::TrackComplaint(const Caller&,
                                                   const v1::TrackComplaintRequest& r) {
  ASSIGN_OR_RETURN(std::string reference,
                   core::HumanReference::Normalize(r.reference(), "reference"));
  ASSIGN_OR_RETURN(auto row, store_.ByReference(reference));
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
  ComplaintFilter filter;
  if (r.mine() || !(auth::HasAnyRole(p, kAgents) || auth::HasAnyRole(p, kSupervisors) ||
                    auth::HasAnyRole(p, kReaders))) {
    if (!p.HasRole(roles::kCitizen) && !p.HasRole(roles::kCompany)) {
      return absl::PermissionDeniedError("staff, citizens and companies only");
    }
    filter.submitter = p.subject;
  } else {
    // An authority's agents see its own complaints; supervisors and readers those below them too.
    filter.scope = auth::TerritoryScope::Of(
        p, auth::HasAnyRole(p, kSupervisors) || auth::HasAnyRole(p, kReaders)
               ? auth::TerritoryScope::Depth::kWithin
               : auth::TerritoryScope::Depth::kExact);
  }
  ASSIGN_OR_RETURN(filter.after_id, core::DecodeUuidPageToken(r.page_token()));
  filter.authority_code = r.authority_code();
  filter.state = r.state();
  filter.overdue_only = r.overdue_only();
  if (!r.q().empty()) {
    if (core::CharacterCount(r.q()) > kMaxQuery) {
      return core::InvalidArgumentError("q", absl::StrCat("at most ", kMaxQuery, " characters"));
    }
    filter.words = names::TextWords(r.q(), names::WordsFor::kQuery);
    if (filter.words.empty()) {
      return core::InvalidArgumentError("q", "holds no word of two letters or more");
    }
    if (filter.words.size() > kMaxQueryWords) {
      return core::InvalidArgumentError("q", absl::StrCat("at most ", kMaxQueryWords, " words"));
    }
  }
  filter.limit = size;
  ASSIGN_OR_RETURN(std::vector<v1::Complaint> rows, store_.List(filter));
  v1::ListComplaintsResponse out;
  for (int i = 0; i < static_cast<int>(rows.size()) && i < size; ++i) {
    *out.add_complaints() = std::move(rows[i]);
  }
  if (static_cast<int>(rows.size()) > size) {
    out.set_next_page_token(core::EncodePageToken(out.complaints(size - 1).id()));
  }
  return out;
}

namespace {

// What a staff step's timeline entry says: the answer, or the reason given.
std::string StaffNote(const v1::Complaint& after) {
  switch (after.state()) {
    case v1::RESOLVED:
      return after.response();
    case v1::REJECTED:
    case v1::REDIRECTED:
      return after.rejection_reason();
    default:
      return "";
  }
}

}  // namespace

void AddStep(v1::Complaint& doc, absl::Time at, std::string by, std::string note,
             int escalation_level) {
  v1::ComplaintStep* step = doc.add_timeline();
  step->set_state(doc.state());
  *step->mutable_time() = ToTimestamp(at);
  step->set_by(std::move(by));
  step->set_note(std::move(note));
  step->set_escalation_level(escalation_level);
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
  // Only the first RESOLVED or REJECTED (a reopened complaint answered again is not).
  const bool answer = after.state() == v1::RESOLVED || after.state() == v1::REJECTED;
  e.set_first_answer(answer && !before.has_resolve_time());
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
  return service::RunIdempotent<v1::Complaint>(
      store_, {method, c.principal.subject, request_id, &request},
      [&](ComplaintTx& tx) -> absl::StatusOr<v1::Complaint> {
        if (!core::IsUuid(id)) return NotFound(id);
        ASSIGN_OR_RETURN(auto row, tx.Lock(id));
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
        AddStep(after, now, *role, StaffNote(after));
        RETURN_IF_ERROR(tx.Update(after));
        RETURN_IF_ERROR(
            Record(tx, c, *role, request_id, method, after, StateChangeEvent(before, after, now)));
        return after;
      });
}

absl::StatusOr<v1::Complaint> Desk::SubmitterStep(const Caller& c, const std::string& request_id,
                                                  const std::string& id, const std::string& secret,
                                                  const std::string& method,
                                                  const std::string& note,
                                                  const google::protobuf::Message& request,
                                                  const Change& change) {
  RETURN_IF_ERROR(core::CheckRequestId(request_id));
  const std::string caller = !c.anonymous() ? c.principal.subject : "";
  return service::RunIdempotent<v1::Complaint>(
      store_, {method, caller, request_id, &request},
      [&](ComplaintTx& tx) -> absl::StatusOr<v1::Complaint> {
        if (!core::IsUuid(id)) return NotFound(id);
        ASSIGN_OR_RETURN(auto row, tx.Lock(id));
        if (!row.has_value()) return NotFound(id);
        const bool by_account = !caller.empty() && caller == row->doc.submitter();
        const bool by_secret = !secret.empty() && !row->tracking_hash.empty() &&
                               core::Sha256Hex(secret) == row->tracking_hash;
        if (!by_account && !by_secret) return NotFound(id);
        const v1::Complaint before = row->doc;
        v1::Complaint after = before;
        RETURN_IF_ERROR(change(tx, after, "submitter", row->tracking_hash));
        const absl::Time now = clock_.Now();
        if (after.state() != before.state()) {
          AddStep(after, now, "submitter", note);
        }
        RETURN_IF_ERROR(tx.Update(after));
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
  return StaffStep(c, r.request_id(), r.id(), "Acknowledge", r, {v1::SUBMITTED, v1::REOPENED},
                   v1::ACKNOWLEDGED,
                   [&](ComplaintTx&, v1::Complaint& doc, const std::string&, const std::string&) {
                     *doc.mutable_acknowledge_time() = ToTimestamp(clock_.Now());
                     return absl::OkStatus();
                   });
}

absl::StatusOr<v1::Complaint> Desk::Assign(const Caller& c, const v1::AssignRequest& r) {
  if (r.assignee().empty()) return core::InvalidArgumentError("assignee", "required");
  return StaffStep(c, r.request_id(), r.id(), "Assign", r,
                   {v1::ACKNOWLEDGED, v1::ASSIGNED, v1::IN_PROGRESS}, v1::ASSIGNED,
                   [&](ComplaintTx&, v1::Complaint& doc, const std::string&, const std::string&) {
                     doc.set_assignee(r.assignee());
                     return absl::OkStatus();
                   });
}

absl::StatusOr<v1::Complaint> Desk::StartWork(const Caller& c, const v1::TransitionRequest& r) {
  return StaffStep(c, r.request_id(), r.id(), "StartWork", r, {v1::ASSIGNED}, v1::IN_PROGRESS,
                   [](ComplaintTx&, v1::Complaint&, const std::string&, const std::string&) {
                     return absl::OkStatus();
                   });
}

absl::StatusOr<v1::Complaint> Desk::Resolve(const Caller& c, const v1::ResolveRequest& r) {
  if (r.response().empty() || core::CharacterCount(r.response()) > kMaxDescription) {
    return core::InvalidArgumentError(
        "response", absl::StrCat("required to resolve, at most ", kMaxDescription, " characters"));
  }
  return StaffStep(c, r.request_id(), r.id(), "Resolve", r,
                   {v1::ACKNOWLEDGED, v1::ASSIGNED, v1::IN_PROGRESS}, v1::RESOLVED,
                   [&](ComplaintTx&, v1::Complaint& doc, const std::string&, const std::string&) {
                     doc.set_response(r.response());
                     *doc.mutable_resolve_time() = ToTimestamp(clock_.Now());
                     return absl::OkStatus();
                   });
}

absl::StatusOr<v1::Complaint> Desk::Reject(const Caller& c, const v1::RejectRequest& r) {
  if (r.reason().empty() || core::CharacterCount(r.reason()) > kMaxDescription) {
    return core::InvalidArgumentError("reason", "required to reject (outside the competence)");
  }
  return StaffStep(c, r.request_id(), r.id(), "Reject", r, kOpen, v1::REJECTED,
                   [&](ComplaintTx&, v1::Complaint& doc, const std::string&, const std::string&) {
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
      [&](ComplaintTx& tx, v1::Complaint& doc, const std::string& role,
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
        RETURN_IF_ERROR(
            Insert(tx, c, role, r.request_id(), "Redirect", moved, tracking_hash, now,
                   absl::StrCat("redirected from ", doc.reference(), ": ", r.reason())));
        doc.set_redirected_to(moved.id());
        doc.set_rejection_reason(r.reason());
        return absl::OkStatus();
      });
  if (!original.ok()) return original.status();
  *out.mutable_original() = *original;
  ASSIGN_OR_RETURN(auto redirected, store_.Get(original->redirected_to()));
  if (redirected.has_value()) *out.mutable_redirected() = redirected->doc;
  return out;
}

absl::StatusOr<v1::StatsResponse> Desk::Stats(const Caller& c, const v1::StatsRequest& r) {
  if (c.anonymous()) return absl::UnauthenticatedError("a bearer token is required");
  const auth::Principal& p = c.principal;
  if (!auth::HasAnyRole(p, kAgents) && !auth::HasAnyRole(p, kSupervisors) &&
      !auth::HasAnyRole(p, kReaders)) {
    return absl::PermissionDeniedError("statistics are for the staff who oversee complaints");
  }
  const bool national = r.territory_code() == kNational;
  const territory::Territory* t = referential_->Find(r.territory_code());
  core::Violations v;
  if (t == nullptr || (!national && !t->IsLocalAuthority())) {
    v.Add("territory_code", "a local authority, province, region, or MA");
  }
  if (!IsPeriod(r.period_from())) v.Add("period_from", "a month, YYYY-MM");
  if (!IsPeriod(r.period_to())) {
    v.Add("period_to", "a month, YYYY-MM");
  } else if (IsPeriod(r.period_from()) && r.period_to() < r.period_from()) {
    v.Add("period_to", "not before period_from");
  }
  RETURN_IF_ERROR(v.ToStatus());
  bool allowed = false;
  if (auth::HasAnyRole(p, kAgents)) allowed = Holds(p, r.territory_code());
  if (auth::HasAnyRole(p, kSupervisors) || auth::HasAnyRole(p, kReaders)) {
    allowed = allowed || auth::CanAccessTerritory(p, r.territory_code(), *referential_);
  }
  if (!allowed) return absl::NotFoundError(absl::StrCat("territory ", r.territory_code()));
  ASSIGN_OR_RETURN(StatCountsByTerritory counts,
                   store_.StatCounts(StatTerritories(*referential_, r), r));
  return StatsOf(*referential_, r, counts);
}

absl::StatusOr<api::v1::HttpBody> Desk::ExportStats(const Caller& c, v1::StatsRequest r) {
  r.set_breakdown(true);
  ASSIGN_OR_RETURN(v1::StatsResponse stats, Stats(c, r));
  return StatsCsv(*referential_, r, stats);
}

absl::StatusOr<v1::Attachment> Desk::UploadAttachment(const Caller&,
                                                      const v1::UploadAttachmentRequest& r) {
  if (r.content().empty()) return core::InvalidArgumentError("content", "required");
  return store_.PutAttachment(r.content(), r.content_type());
}

absl::StatusOr<api::v1::HttpBody> Desk::GetAttachment(const Caller& c,
                                                      const v1::GetAttachmentRequest& r) {
  auto none = [&] {
    return absl::NotFoundError(
        absl::StrCat("attachment ", core::Bounded(r.sha256(), 64), " not found"));
  };
  if (!core::IsUuid(r.complaint_id())) return none();
  ASSIGN_OR_RETURN(auto row, store_.Get(r.complaint_id()));
  // Only a complaint's own attachments, to those who read the complaint.
  if (!row.has_value() || !CanRead(c, row->doc, *referential_) ||
      std::find(row->doc.attachment_refs().begin(), row->doc.attachment_refs().end(), r.sha256()) ==
          row->doc.attachment_refs().end()) {
    return none();
  }
  ASSIGN_OR_RETURN(std::optional<api::v1::HttpBody> body, store_.GetAttachment(r.sha256()));
  if (!body.has_value()) return none();
  body->set_file_name(r.sha256().substr(0, 16));
  return *std::move(body);
}

absl::StatusOr<v1::Complaint> Desk::Reopen(const Caller& c, const v1::SubmitterActionRequest& r) {
  if (core::CharacterCount(r.reason()) > kMaxDescription) {
    return core::InvalidArgumentError("reason",
                                      absl::StrCat("at most ", kMaxDescription, " characters"));
  }
  return SubmitterStep(
      c, r.request_id(), r.id(), r.tracking_secret(), "Reopen", r.reason(), r,
      [&](ComplaintTx&, v1::Complaint& doc, const std::string&,
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
  return SubmitterStep(c, r.request_id(), r.id(), r.tracking_secret(), "Close", "", r,
                       [&](ComplaintTx&, v1::Complaint& doc, const std::string&,
                           const std::string&) -> absl::Status {
                         if (doc.state() != v1::RESOLVED) return InvalidState(doc.state());
                         doc.set_state(v1::CLOSED);
                         return absl::OkStatus();
                       });
}

absl::StatusOr<v1::Complaint> Desk::Rate(const Caller& c, const v1::RateRequest& r) {
  if (r.rating() < 1 || r.rating() > 5) return core::InvalidArgumentError("rating", "1 to 5");
  return SubmitterStep(c, r.request_id(), r.id(), r.tracking_secret(), "Rate", "", r,
                       [&](ComplaintTx&, v1::Complaint& doc, const std::string&,
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
