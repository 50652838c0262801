#pragma once

// The complaints desk: submissions, the authority's answers, the submitter's follow-up. Each
// operation checks the caller (role, territory, or submitter and tracking secret), applies the
// rules, and writes the change with its record (event and audit row) in one unit of work of the
// ComplaintStore under the call's request_id. No SQL here: the unit tests run the desk on a fake
// store (tests/support/fake_complaint_store.h).

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "services/chikaya/src/complaint_store.h"
#include "zp/auth/principal.h"
#include "zp/chikaya/v1/chikaya.pb.h"
#include "zp/chikaya/v1/events.pb.h"
#include "zp/core/clock.h"
#include "zp/rpc/caller.h"
#include "zp/territory/referential.h"

namespace zp::chikaya {

namespace reasons {
inline constexpr char kInvalidState[] = "INVALID_STATE";
inline constexpr char kReopenWindowClosed[] = "REOPEN_WINDOW_CLOSED";
inline constexpr char kAlreadyRated[] = "ALREADY_RATED";
inline constexpr char kSameAuthority[] = "SAME_AUTHORITY";
}  // namespace reasons

inline constexpr int kReopenDays = 30;
inline constexpr size_t kMaxDescription = 4000;  // characters
inline constexpr size_t kMaxQuery = 200;         // characters of ListComplaints' q
inline constexpr size_t kMaxQueryWords = 8;

// Adds a step to the complaint's timeline: its state now, taken at `at` by `by` (a role).
void AddStep(v1::Complaint& doc, absl::Time at, std::string by, std::string note,
             int escalation_level = 0);

// The event of a state change (every transition, by anyone, the scheduler included).
v1::ComplaintStateChanged StateChangeEvent(const v1::Complaint& before, const v1::Complaint& after,
                                           absl::Time now);

using rpc::Caller;

class Desk {
 public:
  Desk(ComplaintStore& store, std::shared_ptr<const territory::Referential> referential,
       const core::Clock& clock);

  absl::StatusOr<v1::ListCategoriesResponse> ListCategories(const Caller& c,
                                                            const v1::ListCategoriesRequest& r);
  absl::StatusOr<v1::SubmitResponse> Submit(const Caller& c, const v1::SubmitRequest& r);
  absl::StatusOr<v1::Complaint> GetComplaint(const Caller& c, const v1::GetComplaintRequest& r);
  absl::StatusOr<v1::Complaint> TrackComplaint(const Caller& c, const v1::TrackComplaintRequest& r);
  absl::StatusOr<v1::ListComplaintsResponse> ListComplaints(const Caller& c,
                                                            const v1::ListComplaintsRequest& r);

  absl::StatusOr<v1::Complaint> Acknowledge(const Caller& c, const v1::TransitionRequest& r);
  absl::StatusOr<v1::Complaint> Assign(const Caller& c, const v1::AssignRequest& r);
  absl::StatusOr<v1::Complaint> StartWork(const Caller& c, const v1::TransitionRequest& r);
  absl::StatusOr<v1::Complaint> Resolve(const Caller& c, const v1::ResolveRequest& r);
  absl::StatusOr<v1::Complaint> Reject(const Caller& c, const v1::RejectRequest& r);
  absl::StatusOr<v1::RedirectResponse> Redirect(const Caller& c, const v1::RedirectRequest& r);

  absl::StatusOr<v1::Complaint> Reopen(const Caller& c, const v1::SubmitterActionRequest& r);
  absl::StatusOr<v1::Complaint> Close(const Caller& c, const v1::SubmitterActionRequest& r);
  absl::StatusOr<v1::Complaint> Rate(const Caller& c, const v1::RateRequest& r);

  absl::StatusOr<v1::StatsResponse> Stats(const Caller& c, const v1::StatsRequest& r);
  // Stats with its breakdown, as CSV.
  absl::StatusOr<api::v1::HttpBody> ExportStats(const Caller& c, v1::StatsRequest r);

  absl::StatusOr<v1::Attachment> UploadAttachment(const Caller& c,
                                                  const v1::UploadAttachmentRequest& r);
  absl::StatusOr<api::v1::HttpBody> GetAttachment(const Caller& c,
                                                  const v1::GetAttachmentRequest& r);

 private:
  // Inserts a new complaint (deadlines from now), its event and its audit record.
  absl::Status Insert(ComplaintTx& tx, const Caller& c, const std::string& role,
                      const std::string& request_id, const std::string& method, v1::Complaint& doc,
                      const std::string& tracking_hash, absl::Time now,
                      const std::string& note = "");
  absl::Status Record(ComplaintTx& tx, const Caller& c, const std::string& role,
                      const std::string& request_id, const std::string& method,
                      const v1::Complaint& doc, const google::protobuf::Message& event);
  // Changes the complaint in the step's transaction; `tracking_hash` is the submitter's.
  using Change =
      std::function<absl::Status(ComplaintTx& tx, v1::Complaint& doc, const std::string& role,
                                 const std::string& tracking_hash)>;
  // A transition by staff of the complaint's authority (or its supervision cell).
  absl::StatusOr<v1::Complaint> StaffStep(const Caller& c, const std::string& request_id,
                                          const std::string& id, const std::string& method,
                                          const google::protobuf::Message& request,
                                          std::initializer_list<v1::State> from, v1::State to,
                                          const Change& change);
  // A step of the submitter (by account or by tracking secret).
  absl::StatusOr<v1::Complaint> SubmitterStep(const Caller& c, const std::string& request_id,
                                              const std::string& id, const std::string& secret,
                                              const std::string& method, const std::string& note,
                                              const google::protobuf::Message& request,
                                              const Change& change);

  ComplaintStore& store_;
  std::shared_ptr<const territory::Referential> referential_;
  const core::Clock& clock_;
};

}  // namespace zp::chikaya
