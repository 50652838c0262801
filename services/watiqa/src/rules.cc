#include "services/watiqa/src/rules.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "zp/core/api.h"
#include "zp/core/countries.h"
#include "zp/core/status.h"
#include "zp/names/names.h"

namespace zp::watiqa {

namespace {

bool IsPrintable(absl::string_view text) {
  for (unsigned char ch : text) {
    if (ch < 0x20 || ch == 0x7F) return false;
  }
  return true;
}

bool ValidText(absl::string_view text, size_t max) {
  return !absl::StripAsciiWhitespace(text).empty() && core::CharacterCount(text) <= max &&
         IsPrintable(text);
}

// local@domain.tld, at most 254 characters, no spaces.
bool ValidEmail(absl::string_view email) {
  if (email.size() > 254 || email.find_first_of(" \t\r\n") != absl::string_view::npos) {
    return false;
  }
  const size_t at = email.find('@');
  if (at == absl::string_view::npos || at == 0 ||
      email.find('@', at + 1) != absl::string_view::npos) {
    return false;
  }
  absl::string_view domain = email.substr(at + 1);
  const size_t dot = domain.rfind('.');
  return dot != absl::string_view::npos && dot > 0 && dot + 2 <= domain.size();
}

// E.164: "+" and 8 to 15 digits.
bool ValidPhone(absl::string_view phone) {
  if (phone.size() < 9 || phone.size() > 16 || phone[0] != '+') return false;
  return std::all_of(phone.begin() + 1, phone.end(), [](char c) { return absl::ascii_isdigit(c); });
}

}  // namespace

absl::StatusOr<Tariff> Tariff::Parse(absl::string_view text) {
  Tariff t;
  for (absl::string_view item : absl::StrSplit(text, ',', absl::SkipWhitespace())) {
    std::pair<absl::string_view, absl::string_view> kv = absl::StrSplit(item, '=');
    std::pair<absl::string_view, absl::string_view> kd =
        absl::StrSplit(absl::StripAsciiWhitespace(kv.first), ':');
    sgec::v1::CopyKind kind;
    v1::Destination destination;
    int64_t amount = 0;
    if (!sgec::v1::CopyKind_Parse(std::string(kd.first), &kind) ||
        kind == sgec::v1::COPY_KIND_UNSPECIFIED ||
        !v1::Destination_Parse(std::string(kd.second), &destination) ||
        destination == v1::DESTINATION_UNSPECIFIED ||
        !absl::SimpleAtoi(absl::StripAsciiWhitespace(kv.second), &amount) || amount <= 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("tariff: \"", item, "\" is not KIND:DESTINATION=CENTIMES"));
    }
    t.fees_[kind - 1][destination - 1] = amount;
  }
  for (int k = 0; k < 2; ++k) {
    for (int d = 0; d < 2; ++d) {
      if (t.fees_[k][d] == 0) {
        return absl::InvalidArgumentError(absl::StrCat(
            "tariff: no fee for ", sgec::v1::CopyKind_Name(static_cast<sgec::v1::CopyKind>(k + 1)),
            ":", v1::Destination_Name(static_cast<v1::Destination>(d + 1))));
      }
    }
  }
  return t;
}

int64_t Tariff::PerCopy(sgec::v1::CopyKind kind, v1::Destination destination) const {
  if (kind < 1 || kind > 2 || destination < 1 || destination > 2) return 0;
  return fees_[kind - 1][destination - 1];
}

v1::Tariff Tariff::ToProto() const {
  v1::Tariff out;
  for (int k = 1; k <= 2; ++k) {
    for (int d = 1; d <= 2; ++d) {
      v1::Fee* f = out.add_fees();
      f->set_kind(static_cast<sgec::v1::CopyKind>(k));
      f->set_destination(static_cast<v1::Destination>(d));
      f->mutable_per_copy()->set_centimes(fees_[k - 1][d - 1]);
    }
  }
  return out;
}

absl::StatusOr<v1::Destination> ValidatePlaceOrder(const v1::PlaceOrderRequest& r) {
  core::Violations v;
  RETURN_IF_ERROR(core::CheckRequestId(r.request_id()));
  switch (r.act_case()) {
    case v1::PlaceOrderRequest::kActReference:
      if (r.act_reference().bureau_code().empty()) v.Add("act_reference.bureau_code", "required");
      if (r.act_reference().year() <= 0) v.Add("act_reference.year", "required");
      if (r.act_reference().number() <= 0) v.Add("act_reference.number", "required");
      break;
    case v1::PlaceOrderRequest::kIdcs:
      if (r.idcs().size() != 10 || !std::all_of(r.idcs().begin(), r.idcs().end(),
                                                [](char c) { return absl::ascii_isdigit(c); })) {
        v.Add("idcs", "ten digits");
      }
      break;
    case v1::PlaceOrderRequest::ACT_NOT_SET:
      v.Add("act_reference", "the act's reference or an IDCS is required");
      break;
  }
  if (r.kind() != sgec::v1::FULL_COPY && r.kind() != sgec::v1::EXTRACT) {
    v.Add("kind", "FULL_COPY or EXTRACT");
  }
  if (r.copies() < 1 || r.copies() > kMaxCopies) {
    v.Add("copies", absl::StrCat("1 to ", kMaxCopies));
  }
  const v1::Address& a = r.address();
  const std::string& country = a.country_code();
  if (!core::IsCountryCode(country))
    v.Add("address.country_code", "ISO 3166-1 alpha-2 code, \"MA\" for Morocco");
  const bool morocco = country == "MA";
  if (!ValidText(a.recipient(), 100))
    v.Add("address.recipient", "required, at most 100 characters");
  if (!ValidText(a.city(), 100)) v.Add("address.city", "required, at most 100 characters");
  if (morocco) {
    if (a.postal_code().size() != 5 ||
        !std::all_of(a.postal_code().begin(), a.postal_code().end(),
                     [](char c) { return absl::ascii_isdigit(c); })) {
      v.Add("address.postal_code", "five digits in Morocco");
    }
  } else if (!a.postal_code().empty() &&
             (a.postal_code().size() > 12 ||
              !std::all_of(a.postal_code().begin(), a.postal_code().end(), [](char c) {
                return absl::ascii_isalnum(c) || c == ' ' || c == '-';
              }))) {
    v.Add("address.postal_code", "at most 12 letters, digits, spaces or hyphens");
  }
  if (a.lines_size() < 1 || a.lines_size() > 4) v.Add("address.lines", "1 to 4 lines");
  for (int i = 0; i < a.lines_size() && i < 4; ++i) {
    if (!ValidText(a.lines(i), 100)) {
      v.Add(absl::StrCat("address.lines[", i, "]"), "1 to 100 printable characters");
    }
  }
  const v1::Contact& c = r.contact();
  if (c.email().empty() && c.phone().empty()) {
    v.Add("contact", "an e-mail address or a phone number, to follow the order");
  }
  if (!c.email().empty() && !ValidEmail(c.email())) v.Add("contact.email", "an e-mail address");
  if (!c.phone().empty() && !ValidPhone(c.phone())) {
    v.Add("contact.phone", "international format: + and 8 to 15 digits");
  }
  RETURN_IF_ERROR(v.ToStatus());
  return morocco ? v1::MOROCCO : v1::ABROAD;
}

std::vector<std::string> FamilyNameKeys(const std::string& ar, const std::string& fr) {
  std::vector<std::string> keys;
  for (const std::string* name : {&ar, &fr}) {
    std::string key = names::NormalizeName(*name);
    if (!key.empty()) keys.push_back(std::move(key));
  }
  return keys;
}

bool NameMatches(const std::vector<std::string>& keys, absl::string_view typed) {
  const std::string key = names::NormalizeName(typed);
  if (key.empty()) return false;
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

bool IsFinal(v1::OrderState state) {
  return state == v1::DELIVERED || state == v1::RETURNED || state == v1::CANCELLED ||
         state == v1::REFUNDED;
}

bool CanMove(v1::OrderState from, v1::OrderState to) {
  switch (to) {
    case v1::PAYMENT_PENDING:
      return from == v1::PLACED;
    case v1::PAID:
      return from == v1::PLACED || from == v1::PAYMENT_PENDING;
    case v1::ISSUED:
    case v1::REFUNDED:
      return from == v1::PAID;
    case v1::DISPATCHED:
      return from == v1::ISSUED;
    case v1::DELIVERED:
    case v1::RETURNED:
      return from == v1::ISSUED || from == v1::DISPATCHED;
    case v1::CANCELLED:
      return from == v1::PLACED || from == v1::PAYMENT_PENDING;
    default:
      return false;
  }
}

DeliveryState DeliveryStateOf(const std::vector<DeliveryEvent>& events) {
  DeliveryState out;
  const DeliveryEvent* earliest = nullptr;
  const DeliveryEvent* outcome = nullptr;
  for (const DeliveryEvent& e : events) {
    if (earliest == nullptr || e.time < earliest->time) earliest = &e;
    if ((e.kind == v1::EVENT_DELIVERED || e.kind == v1::EVENT_UNDELIVERABLE) &&
        (outcome == nullptr || e.time > outcome->time)) {
      outcome = &e;
    }
  }
  if (outcome != nullptr) {
    out.state = outcome->kind == v1::EVENT_DELIVERED ? v1::DELIVERED : v1::RETURNED;
    out.since = outcome->time;
    out.note = outcome->kind == v1::EVENT_DELIVERED ? outcome->location : outcome->reason;
  } else if (earliest != nullptr) {
    out.state = v1::DISPATCHED;
    out.since = earliest->time;
    out.note = earliest->location;
  }
  return out;
}

bool IsS10TrackingNumber(absl::string_view t) {
  if (t.size() != 13) return false;
  for (int i : {0, 1, 11, 12}) {
    if (!absl::ascii_isupper(t[i])) return false;
  }
  static constexpr int kWeights[8] = {8, 6, 4, 2, 3, 5, 9, 7};
  int sum = 0;
  for (int i = 0; i < 9; ++i) {
    if (!absl::ascii_isdigit(t[2 + i])) return false;
    if (i < 8) sum += (t[2 + i] - '0') * kWeights[i];
  }
  int check = 11 - sum % 11;
  if (check == 10) check = 0;
  if (check == 11) check = 5;
  return t[10] - '0' == check;
}

absl::Duration IssueBackoff(int failed_attempts, absl::Duration cap) {
  absl::Duration d = absl::Seconds(1);
  for (int i = 1; i < failed_attempts && d < cap; ++i) d *= 2;
  return std::min(d, cap);
}

}  // namespace zp::watiqa
