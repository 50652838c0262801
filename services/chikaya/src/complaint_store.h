#pragma once

// What the complaints desk keeps, behind an interface: PgComplaintStore in the service (and its
// integration tests), FakeComplaintStore (tests/support) in the unit tests of the desk's rules.
// A change happens inside Idempotent(): the unit of work of one call (zp/service/store.h), in
// which the complaint is locked, written and its change recorded (event and audit row), all or
// nothing, and whose response is kept under the call's request_id (a retry answers it).

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "google/protobuf/message.h"
#include "services/chikaya/src/stats.h"
#include "zp/api/v1/httpbody.pb.h"
#include "zp/auth/territory_scope.h"
#include "zp/chikaya/v1/chikaya.pb.h"
#include "zp/files/files.h"
#include "zp/service/record.h"
#include "zp/service/store.h"

namespace zp::chikaya {

// The files a complaint may carry (zp::files): photos and scanned documents, 700 KB at most, so
// that their base64 upload stays within the gateway's body limit (1 MiB).
inline constexpr char kAttachmentKind[] = "complaint_attachment";
inline files::FileKind AttachmentKind() {
  return {
      kAttachmentKind, 700 * 1000, {"image/jpeg", "image/png", "image/webp", "application/pdf"}};
}

struct StoredComplaint {
  v1::Complaint doc;
  std::string tracking_hash;  // SHA-256 of the tracking secret of an anonymous submitter
};

struct Deadlines {
  int acknowledge_days = 0;
  int answer_days = 0;
  bool business_days = false;
};

struct ComplaintFilter {
  std::string authority_code;  // "" = any
  auth::TerritoryScope scope = auth::TerritoryScope::National();
  std::string submitter;  // "" = any
  v1::State state = v1::STATE_UNSPECIFIED;
  bool overdue_only = false;
  // Words (names::TextWords, WordsFor::kQuery) that the complaint's words all begin with; none:
  // any complaint.
  std::vector<std::string> words;
  std::optional<std::string> after_id;  // the page's cursor: ids above it
  int limit = 20;
};

// The words a complaint is found by (ComplaintFilter::words): those of its subject and description.
std::vector<std::string> ComplaintWords(const v1::Complaint& complaint);
// True when each of `query` begins one of `words` (what the PostgreSQL store's prefix query does).
bool MatchesWords(const std::vector<std::string>& words, const std::vector<std::string>& query);

// One call's unit of work.
class ComplaintTx {
 public:
  virtual ~ComplaintTx() = default;
  // The complaint, locked until the unit ends; nullopt when there is none.
  virtual absl::StatusOr<std::optional<StoredComplaint>> Lock(const std::string& id) = 0;
  virtual absl::StatusOr<Deadlines> DeadlinesOf(v1::Kind kind) = 0;
  virtual absl::Status Insert(const v1::Complaint& doc, const std::string& tracking_hash) = 0;
  virtual absl::Status Update(const v1::Complaint& doc) = 0;
  // The change's event and audit row (service::Recorder in PostgreSQL).
  virtual absl::Status Record(const service::Change& change) = 0;
};

class ComplaintStore {
 public:
  virtual ~ComplaintStore() = default;
  // Runs `work` as one unit; its response (serialised) is stored with the change. A repeated
  // request_id with the same request answers the stored response without running `work`; with
  // another request, ALREADY_EXISTS. A failed `work` leaves nothing.
  virtual absl::StatusOr<std::string> Idempotent(
      const service::IdempotentCall& call,
      const std::function<absl::StatusOr<std::string>(ComplaintTx&)>& work) = 0;

  virtual absl::StatusOr<std::optional<StoredComplaint>> Get(const std::string& id) = 0;
  virtual absl::StatusOr<std::optional<StoredComplaint>> ByReference(
      const std::string& reference) = 0;
  // At most filter.limit + 1 complaints (the extra one says a next page exists), by id.
  virtual absl::StatusOr<std::vector<v1::Complaint>> List(const ComplaintFilter& filter) = 0;
  virtual absl::StatusOr<std::vector<v1::Category>> Categories(v1::Kind kind) = 0;
  virtual absl::StatusOr<bool> HasCategory(v1::Kind kind, const std::string& code) = 0;
  // The counts of these territories over the request's months and kind (kept by the statistics
  // consumer).
  virtual absl::StatusOr<StatCountsByTerritory> StatCounts(
      const std::vector<std::string>& territories, const v1::StatsRequest& request) = 0;

  // Attachments (zp::files): kept under their SHA-256, the type read from the content;
  // INVALID_ARGUMENT naming `content` for a file the kind refuses.
  virtual absl::StatusOr<v1::Attachment> PutAttachment(const std::string& content,
                                                       const std::string& declared_type) = 0;
  // Whether an attachment has that digest (its bytes are not read).
  virtual absl::StatusOr<bool> HasAttachment(const std::string& sha256) = 0;
  // The attachment's type and bytes; nullopt when no attachment has that digest.
  virtual absl::StatusOr<std::optional<api::v1::HttpBody>> GetAttachment(
      const std::string& sha256) = 0;
};

}  // namespace zp::chikaya
