#pragma once

// WATIQA's rules that need no server: the tariff, the checks of an order's request, the order
// state machine and the delivery state computed from Barid's events. Unit-tested alone.

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "zp/watiqa/v1/watiqa.pb.h"

namespace zp::watiqa {

// The fee of one copy per kind and destination, in centimes of MAD. Configured as
// "FULL_COPY:MOROCCO=4000,FULL_COPY:ABROAD=9000,EXTRACT:MOROCCO=3000,EXTRACT:ABROAD=8000";
// every pair must be given, with a positive amount.
class Tariff {
 public:
  static absl::StatusOr<Tariff> Parse(absl::string_view text);
  int64_t PerCopy(sgec::v1::CopyKind kind, v1::Destination destination) const;
  v1::Tariff ToProto() const;

 private:
  // [kind - 1][destination - 1]
  int64_t fees_[2][2] = {{0, 0}, {0, 0}};
};

inline constexpr char kDefaultTariff[] =
    "FULL_COPY:MOROCCO=4000,FULL_COPY:ABROAD=9000,EXTRACT:MOROCCO=3000,EXTRACT:ABROAD=8000";

inline constexpr int kMaxCopies = 10;

// Every problem of a PlaceOrder request at once (INVALID_ARGUMENT naming each field), and the
// destination its address implies.
absl::StatusOr<v1::Destination> ValidatePlaceOrder(const v1::PlaceOrderRequest& r);

// The normalised forms of a family name, in each script given, against which tracking compares
// the name a visitor types.
std::vector<std::string> FamilyNameKeys(const std::string& ar, const std::string& fr);
bool NameMatches(const std::vector<std::string>& keys, absl::string_view typed);

// Order states: whether `from` may move to `to`.
bool CanMove(v1::OrderState from, v1::OrderState to);
bool IsFinal(v1::OrderState state);

// One of Barid's events as recorded.
struct DeliveryEvent {
  v1::DeliveryEventKind kind = v1::DELIVERY_EVENT_KIND_UNSPECIFIED;
  absl::Time time;
  std::string location;
  std::string reason;
};

// Where the mail stands after all of Barid's events, whatever order they arrived in: the latest
// (by time) of DELIVERED and UNDELIVERABLE decides between DELIVERED and RETURNED; otherwise any
// event means DISPATCHED; no event: ISSUED. `since` is the time of the deciding event (for
// DISPATCHED: the earliest event).
struct DeliveryState {
  v1::OrderState state = v1::ISSUED;
  absl::Time since;
  std::string note;  // location, or the reason of a return
};
DeliveryState DeliveryStateOf(const std::vector<DeliveryEvent>& events);

// A UPU S10 item identifier, as Barid Al Maghrib prints on registered mail: two letters, eight
// digits, a check digit (weights 8 6 4 2 3 5 9 7, mod 11), a two-letter country code
// ("RR123456785MA").
bool IsS10TrackingNumber(absl::string_view text);

// Saga backoff: 1 s, 2 s, 4 s ... capped at `cap`, for the attempt that failed (1-based).
absl::Duration IssueBackoff(int failed_attempts, absl::Duration cap = absl::Minutes(5));

}  // namespace zp::watiqa
