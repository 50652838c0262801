#pragma once

// What every part of the registry works with (registry.h): its database, the territorial
// referential, the clock, the recorder of changes and where new IDCS come from; and the helpers
// of one call: who acts, in which role, under which request, what they may see.

#include <functional>
#include <initializer_list>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/message.h"
#include "google/protobuf/timestamp.pb.h"
#include "services/sgec/src/names.h"
#include "services/sgec/src/rules.h"
#include "zp/auth/principal.h"
#include "zp/core/api.h"
#include "zp/core/clock.h"
#include "zp/core/status.h"
#include "zp/core/uuid.h"
#include "zp/events/outbox.h"
#include "zp/pg/connection.h"
#include "zp/pg/pool.h"
#include "zp/rpc/caller.h"
#include "zp/service/record.h"
#include "zp/sgec/v1/sgec.pb.h"
#include "zp/territory/referential.h"

namespace zp::sgec {

using rpc::Caller;

struct RegistryCore {
  // `notifier` wakes the outbox relay after commits (nullptr: the relay's polling finds them).
  RegistryCore(pg::Pool& pool, std::shared_ptr<const territory::Referential> referential,
               const core::Clock& clock, events::OutboxNotifier* notifier);

  pg::Pool& pool;
  std::shared_ptr<const territory::Referential> referential;
  const core::Clock& clock;
  service::Recorder recorder;
  // Where new IDCS come from (NewIdcs, the CSPRNG; tests inject collisions).
  std::function<std::string()> idcs_source;
};

namespace internal {

namespace roles = auth::roles;
using auth::ActingRole;
using core::CheckRequestId;
using core::PageSize;
using core::RuleError;

inline constexpr char kSource[] = "sgec";
inline constexpr char kNational[] = "MA";

// Staff who read registers in their territory.
bool IsReader(const auth::Principal& p);

int64_t NowMicros(const core::Clock& clock);
google::protobuf::Timestamp Timestamp(int64_t micros);
inline std::string Serialize(const google::protobuf::Message& m) { return m.SerializeAsString(); }

// The caller's territories as SQL parameters: codes and "<code>.%" prefixes; NULL when national.
struct Scope {
  pg::Param codes = nullptr;
  pg::Param prefixes = nullptr;
  pg::Param citizen_idcs = "";
};
// For search and lists: staff see their territories; a citizen only acts that carry their IDCS.
absl::StatusOr<Scope> ScopeOf(const auth::Principal& p, bool citizens_allowed);

inline std::string DeclarationName(const std::string& id) {
  return absl::StrCat("declarations/", id);
}
inline std::string ActName(const std::string& id) { return absl::StrCat("acts/", id); }

// Normalised "given family" in each script.
struct Names {
  std::string ar;
  std::string lat;
  std::string key_ar() const { return NameKey(ar); }
  std::string key_lat() const { return NameKey(lat); }
};
Names NormalizedNames(const v1::PersonName& n);
// The search lexemes of a name (names.h), as a text[] literal.
std::string WordsOf(const v1::PersonName& n);
// A date as a SQL parameter; NULL when it is not a valid date.
pg::Param DateParam(const common::v1::Date& date);

// One call: who makes it, in which role, under which request_id, by which method.
struct Context {
  const Caller& caller;
  std::string role;
  std::string request_id;
  std::string method;
};

absl::Status NotFound(absl::string_view what, absl::string_view id);

// The change a call makes to `resource` (its event keyed by `subject`, its audit row digesting
// `state`), as the Recorder takes it.
service::Change ChangeOf(const Context& ctx, const std::string& resource,
                         const std::string& territory, const std::string& subject,
                         const google::protobuf::Message& event,
                         const google::protobuf::Message& state);

// A row of sql::kGetBureau or sql::kListBureaus.
v1::Bureau BureauFromRow(const pg::Result& r, int i);

// The territory of bureau `code` (a request's `bureau_code`) when the caller's territory holds
// it: INVALID_ARGUMENT when the code is missing, NOT_FOUND when no such bureau is in scope.
absl::StatusOr<std::string> BureauTerritory(pg::Pool& pool, const auth::Principal& p,
                                            const territory::Referential& referential,
                                            const std::string& code);

}  // namespace internal
}  // namespace zp::sgec
