#include "services/watiqa/src/desk.h"

#include "absl/strings/str_cat.h"
#include "services/watiqa/src/scope.h"
#include "zp/core/api.h"
#include "zp/core/dates.h"
#include "zp/core/reference.h"
#include "zp/core/status.h"
#include "zp/core/uuid.h"

namespace zp::watiqa {

namespace roles = auth::roles;

namespace {

constexpr char kReferencePrefix[] = "WTQ";

absl::Status NoOrder(absl::string_view reference) {
  return absl::NotFoundError(absl::StrCat("order ", reference, " not found"));
}

absl::Status InvalidState(v1::OrderState state, absl::string_view what) {
  return core::RuleError(
      absl::StatusCode::kFailedPrecondition, reasons::kInvalidState, "",
      absl::StrCat(what, " is not possible in state ", v1::OrderState_Name(state)),
      {{"state", v1::OrderState_Name(state)}});
}

bool IsOrderer(const Caller& c, const StoredOrder& o) {
  return !c.anonymous() && c.principal.subject == o.ordered_by;
}

Actor ActorOf(const Caller& c, std::string role) {
  return Actor{!c.anonymous() ? c.principal.subject : "anonymous", std::move(role), c.request_id,
               c.traceparent};
}

}  // namespace

Desk::Desk(OrderStore& store, std::shared_ptr<const territory::Referential> referential,
           const core::Clock& clock, CivilRegistry& registry, TrackingCache& cache,
           DeskOptions options, std::function<void()> paid)
    : store_(store),
      referential_(std::move(referential)),
      clock_(clock),
      registry_(registry),
      cache_(cache),
      options_(std::move(options)),
      paid_(std::move(paid)) {}

absl::StatusOr<v1::Tariff> Desk::GetTariff(const Caller&, const v1::GetTariffRequest&) {
  return options_.tariff.ToProto();
}

absl::StatusOr<v1::Order> Desk::PlaceOrder(const Caller& c, const v1::PlaceOrderRequest& r) {
  if (c.anonymous()) return absl::UnauthenticatedError("a bearer token is required");
  ASSIGN_OR_RETURN(std::string role, auth::ActingRole(c.principal, kOrderers));
  ASSIGN_OR_RETURN(v1::Destination destination, ValidatePlaceOrder(r));
  // SGEC decides whether the act exists and the caller may order it, before any money moves.
  sgec::v1::CheckCopyEntitlementRequest ask;
  if (r.has_act_reference()) {
    *ask.mutable_act_reference() = r.act_reference();
  } else {
    ask.set_idcs(r.idcs());
  }
  ASSIGN_OR_RETURN(
      sgec::v1::CopyEntitlement entitlement,
      registry_.CheckEntitlement(c.bearer_token, ask, c.traceparent,
                                 absl::Now() + options_.sgec_timeout));  // wall time: a deadline
  return service::RunIdempotent<v1::Order>(
      store_, {"PlaceOrder", c.principal.subject, r.request_id(), &r},
      [&](OrderTx& tx) -> absl::StatusOr<v1::Order> {
        const absl::Time now = absl::FromUnixMicros(absl::ToUnixMicros(clock_.Now()));
        StoredOrder o;
        o.id = core::NewUuidV7();
        o.territory = entitlement.territory();
        o.ordered_by = c.principal.subject;
        o.family_name_keys = FamilyNameKeys(entitlement.subject_name().family_name().ar(),
                                            entitlement.subject_name().family_name().fr());
        v1::Order& d = o.doc;
        d.set_reference(core::HumanReference::Generate(kReferencePrefix, now));
        d.set_kind(r.kind());
        d.set_copies(r.copies());
        d.set_act_reference(entitlement.act_reference());
        d.set_act_id(entitlement.act_id());
        d.set_bureau_code(entitlement.bureau_code());
        d.set_commune_code(entitlement.commune_code());
        d.set_destination(destination);
        d.mutable_fee()->set_centimes(options_.tariff.PerCopy(r.kind(), destination) * r.copies());
        *d.mutable_address() = r.address();
        *d.mutable_contact() = r.contact();
        *d.mutable_create_time() = ToTimestamp(now);
        d.set_ordered_by(c.principal.subject);
        RETURN_IF_ERROR(tx.Insert(ActorOf(c, role), o));
        return d;
      });
}

absl::StatusOr<StoredOrder> Desk::Readable(const Caller& c, const std::string& text) {
  if (c.anonymous()) return absl::UnauthenticatedError("a bearer token is required");
  ASSIGN_OR_RETURN(std::string reference, core::HumanReference::Normalize(text, "reference"));
  ASSIGN_OR_RETURN(std::optional<StoredOrder> o, store_.ByReference(reference));
  if (!o.has_value()) return NoOrder(reference);
  if (IsOrderer(c, *o) || CanReadTerritory(c.principal, o->territory, *referential_)) {
    return *std::move(o);
  }
  return NoOrder(reference);
}

absl::StatusOr<v1::Order> Desk::GetOrder(const Caller& c, const v1::GetOrderRequest& r) {
  ASSIGN_OR_RETURN(StoredOrder o, Readable(c, r.reference()));
  return std::move(o.doc);
}

absl::StatusOr<v1::ListOrdersResponse> Desk::ListOrders(const Caller& c,
                                                        const v1::ListOrdersRequest& r) {
  if (c.anonymous()) return absl::UnauthenticatedError("a bearer token is required");
  const auth::Principal& p = c.principal;
  ASSIGN_OR_RETURN(int page_size, core::PageSize(r.page_size()));
  ASSIGN_OR_RETURN(std::optional<std::string> before, core::DecodeUuidPageToken(r.page_token()));
  // The days placed, in Morocco's time: [from 00:00, the day after `to` 00:00).
  core::Violations v;
  const std::optional<absl::CivilDay> from = core::ToCivilDay(r.from());
  const std::optional<absl::CivilDay> to = core::ToCivilDay(r.to());
  if (r.has_from() && !from.has_value()) v.Add("from", "a calendar date");
  if (r.has_to() && !to.has_value()) v.Add("to", "a calendar date");
  if (from.has_value() && to.has_value() && *from > *to) v.Add("from", "on or before `to`");
  RETURN_IF_ERROR(v.ToStatus());
  OrderFilter filter;
  filter.state = r.state();
  filter.commune_code = r.commune_code();
  filter.before_id = before;
  filter.limit = page_size;
  const absl::TimeZone zone = core::MoroccoZone();
  if (from.has_value()) filter.placed_from = absl::FromCivil(*from, zone);
  if (to.has_value()) filter.placed_before = absl::FromCivil(*to + 1, zone);
  if (IsStaff(p)) {
    filter.scope = auth::TerritoryScope::Of(p);
    if (!r.commune_code().empty() && !CanReadTerritory(p, r.commune_code(), *referential_)) {
      return core::InvalidArgumentError("commune_code", "outside your territory");
    }
  } else if (p.HasRole(roles::kCitizen)) {
    filter.ordered_by = p.subject;  // a citizen: what they ordered, wherever the act is
  } else {
    return auth::ActingRole(p, {roles::kCitizen, roles::kCivilAgent, roles::kAgent}).status();
  }
  ASSIGN_OR_RETURN(std::vector<StoredOrder> rows, store_.List(filter));
  v1::ListOrdersResponse out;
  const int n = static_cast<int>(rows.size());
  for (int i = 0; i < n && i < page_size; ++i) {
    *out.add_orders() = std::move(rows[i].doc);
    if (i == page_size - 1 && n > page_size) {
      out.set_next_page_token(core::EncodePageToken(rows[i].id));
    }
  }
  return out;
}

absl::StatusOr<v1::PaymentInstructions> Desk::StartPayment(const Caller& c,
                                                           const v1::StartPaymentRequest& r) {
  if (c.anonymous()) return absl::UnauthenticatedError("a bearer token is required");
  RETURN_IF_ERROR(core::CheckRequestId(r.request_id()));
  ASSIGN_OR_RETURN(std::string reference,
                   core::HumanReference::Normalize(r.reference(), "reference"));
  return service::RunIdempotent<v1::PaymentInstructions>(
      store_, {"StartPayment", c.principal.subject, r.request_id(), &r},
      [&](OrderTx& tx) -> absl::StatusOr<v1::PaymentInstructions> {
        ASSIGN_OR_RETURN(std::optional<StoredOrder> o, tx.Lock(reference));
        if (!o.has_value() || !IsOrderer(c, *o)) return NoOrder(reference);
        if (o->doc.state() == v1::PLACED) {
          RETURN_IF_ERROR(tx.Move(ActorOf(c, "orderer"), "StartPayment", *o, v1::PAYMENT_PENDING,
                                  clock_.Now(), ""));
        } else if (o->doc.state() != v1::PAYMENT_PENDING) {
          return InvalidState(o->doc.state(), "payment");
        }
        v1::PaymentInstructions out;
        out.set_order_reference(reference);
        *out.mutable_amount() = o->doc.fee();
        out.set_payment_url(absl::StrCat(options_.payment_url, "?reference=", reference,
                                         "&amount=", o->doc.fee().centimes()));
        out.set_state(o->doc.state());
        return out;
      });
}

absl::StatusOr<v1::Order> Desk::CancelOrder(const Caller& c, const v1::CancelOrderRequest& r) {
  if (c.anonymous()) return absl::UnauthenticatedError("a bearer token is required");
  RETURN_IF_ERROR(core::CheckRequestId(r.request_id()));
  ASSIGN_OR_RETURN(std::string reference,
                   core::HumanReference::Normalize(r.reference(), "reference"));
  if (r.reason().size() > 500) return core::InvalidArgumentError("reason", "at most 500 bytes");
  return service::RunIdempotent<v1::Order>(
      store_, {"CancelOrder", c.principal.subject, r.request_id(), &r},
      [&](OrderTx& tx) -> absl::StatusOr<v1::Order> {
        ASSIGN_OR_RETURN(std::optional<StoredOrder> o, tx.Lock(reference));
        if (!o.has_value()) return NoOrder(reference);
        std::string role = "orderer";
        if (!IsOrderer(c, *o)) {
          if (!IsOrderingStaff(c.principal) ||
              !CanReadTerritory(c.principal, o->territory, *referential_)) {
            return NoOrder(reference);
          }
          ASSIGN_OR_RETURN(role, auth::ActingRole(c.principal, kOrderers));
        }
        if (!CanMove(o->doc.state(), v1::CANCELLED)) {
          return InvalidState(o->doc.state(), "cancellation");
        }
        RETURN_IF_ERROR(
            tx.Move(ActorOf(c, role), "CancelOrder", *o, v1::CANCELLED, clock_.Now(), r.reason()));
        return std::move(o->doc);
      });
}

absl::StatusOr<v1::Tracking> Desk::LoadTracking(const std::string& reference,
                                                std::vector<std::string>* name_keys, int* version) {
  ASSIGN_OR_RETURN(std::optional<StoredOrder> o, store_.ByReference(reference));
  if (!o.has_value()) return NoOrder(reference);
  v1::Tracking t;
  t.set_reference(reference);
  t.set_state(o->doc.state());
  *t.mutable_history() = o->doc.history();
  t.set_tracking_number(o->doc.tracking_number());
  *name_keys = o->family_name_keys;
  *version = o->version;
  return t;
}

absl::StatusOr<v1::Tracking> Desk::TrackOrder(const Caller&, const v1::TrackOrderRequest& r) {
  ASSIGN_OR_RETURN(std::string reference,
                   core::HumanReference::Normalize(r.reference(), "reference"));
  if (r.last_name().empty() || r.last_name().size() > 200) {
    return core::InvalidArgumentError("last_name", "the family name on the act, 1 to 200 bytes");
  }
  // The cached entry: the tracking answer and the name keys, as one message. An unknown reference
  // is cached too, as an entry without an answer at version 0 (the order's creation, version 1,
  // invalidates it): guesses cost the database nothing and take the time of a known reference.
  v1::TrackingCacheEntry entry;
  std::optional<std::string> cached = cache_.Get(reference);
  if (!cached.has_value() || !entry.ParseFromString(*cached)) {
    std::vector<std::string> keys;
    int version = 0;
    absl::StatusOr<v1::Tracking> loaded = LoadTracking(reference, &keys, &version);
    if (loaded.ok()) {
      *entry.mutable_tracking() = *std::move(loaded);
      for (std::string& k : keys) entry.add_name_keys(std::move(k));
    } else if (loaded.status().code() != absl::StatusCode::kNotFound) {
      return loaded.status();
    }
    cache_.Put(reference, version, entry.SerializeAsString());
  }
  if (!entry.has_tracking()) return NoOrder(reference);
  // A wrong name is answered exactly like an unknown reference.
  if (!NameMatches({entry.name_keys().begin(), entry.name_keys().end()}, r.last_name())) {
    return NoOrder(reference);
  }
  return std::move(*entry.mutable_tracking());
}

}  // namespace zp::watiqa
