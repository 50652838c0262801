#pragma once

// WATIQA's store in memory, for unit tests of the desk's rules and the issuance saga: units of
// work that commit or leave nothing, request ids answered with the first response, and every
// recorded change kept (recorded_changes.h) for the tests to read.

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/watiqa/src/order_store.h"
#include "tests/support/fake_idempotency.h"
#include "tests/support/recorded_changes.h"
#include "zp/core/status.h"

namespace zp::testing {

class FakeOrderStore final : public watiqa::OrderStore {
 public:
  struct KeptEvent {
    watiqa::DeliveryEvent event;
    absl::Time received_at;
  };
  struct State {
    std::map<std::string, watiqa::StoredOrder> orders;                  // by reference
    std::map<std::string, watiqa::Payment> payments;                    // by payment reference
    std::map<std::string, std::pair<std::string, absl::Time>> refunds;  // acknowledged
    // By tracking number, then (kind, time): one of each, as the table's key.
    std::map<std::string, std::map<std::pair<int, int64_t>, KeptEvent>> deliveries;
    std::vector<RecordedChange> changes;
  };

  const State& state() const { return units_.state(); }
  State& mutable_state() { return units_.mutable_state(); }
  // The events of `type` recorded for order `reference`, in order.
  template <typename Event>
  std::vector<Event> EventsOf(const std::string& reference) const {
    return testing::EventsOf<Event>(state().changes, absl::StrCat("orders/", reference));
  }
  // Units of work run so far (the saga's passes, partners' calls), committed or not.
  int units = 0;

  absl::StatusOr<std::string> Idempotent(
      const service::IdempotentCall& call,
      const std::function<absl::StatusOr<std::string>(watiqa::OrderTx&)>& work) override {
    ++units;
    return units_.Run(call, [&](State& working) {
      Tx tx(working);
      return work(tx);
    });
  }
  absl::Status Unit(const std::function<absl::Status(watiqa::OrderTx&)>& work) override {
    ++units;
    State working = state();
    Tx tx(working);
    RETURN_IF_ERROR(work(tx));
    mutable_state() = std::move(working);
    return absl::OkStatus();
  }

  absl::StatusOr<std::optional<watiqa::StoredOrder>> ByReference(
      const std::string& reference) override {
    auto it = state().orders.find(reference);
    if (it == state().orders.end()) return std::nullopt;
    return it->second;
  }
  absl::StatusOr<std::vector<watiqa::StoredOrder>> List(const watiqa::OrderFilter& f) override {
    std::vector<watiqa::StoredOrder> out = ById(state().orders.size(), [&](const auto& o) {
      const absl::Time placed = watiqa::ToTime(o.doc.create_time());
      return f.scope.Contains(o.territory) &&
             (f.ordered_by.empty() || o.ordered_by == f.ordered_by) &&
             (f.state == watiqa::v1::ORDER_STATE_UNSPECIFIED || o.doc.state() == f.state) &&
             (f.commune_code.empty() || o.territory == f.commune_code) &&
             (!f.before_id.has_value() || o.id < *f.before_id) &&
             (!f.placed_from.has_value() || placed >= *f.placed_from) &&
             (!f.placed_before.has_value() || placed < *f.placed_before);
    });
    std::reverse(out.begin(), out.end());  // newest first
    if (static_cast<int>(out.size()) > f.limit + 1) out.resize(f.limit + 1);
    return out;
  }
  absl::StatusOr<std::vector<watiqa::StoredOrder>> ToCollect(
      const std::optional<std::string>& after_id, int limit) override {
    return ById(limit, [&](const watiqa::StoredOrder& o) {
      return o.doc.state() == watiqa::v1::ISSUED && o.doc.tracking_number().empty() &&
             (!after_id.has_value() || o.id > *after_id);
    });
  }
  absl::StatusOr<std::vector<watiqa::v1::RefundDue>> RefundsDue(const std::string& after,
                                                                int limit) override {
    std::vector<watiqa::v1::RefundDue> out;
    for (const auto& [ref, p] : state().payments) {  // by payment reference
      if (static_cast<int>(out.size()) >= limit) break;
      if (p.outcome != watiqa::v1::PaymentConfirmation::REFUND_DUE ||
          state().refunds.count(ref) > 0 || (!after.empty() && ref <= after)) {
        continue;
      }
      out.push_back(RefundOf(state(), p));
    }
    return out;
  }
  absl::StatusOr<std::vector<std::string>> ClaimDue(absl::Time now, absl::Time lease_until,
                                                    int batch) override {
    std::vector<watiqa::StoredOrder*> due;
    for (auto& [ref, o] : mutable_state().orders) {
      if (o.doc.state() == watiqa::v1::PAID && o.next_issue_at.has_value() &&
          *o.next_issue_at <= now) {
        due.push_back(&o);
      }
    }
    std::stable_sort(due.begin(), due.end(),
                     [](auto* a, auto* b) { return *a->next_issue_at < *b->next_issue_at; });
    std::vector<std::string> out;
    for (watiqa::StoredOrder* o : due) {
      if (static_cast<int>(out.size()) >= batch) break;
      o->next_issue_at = lease_until;
      out.push_back(o->doc.reference());
    }
    return out;
  }
  // Counts, orders and revenue as PostgreSQL computes them; medians by interpolation
  // (percentile_cont(0.5)).
  absl::StatusOr<watiqa::OrderFigures> Figures(const auth::TerritoryScope& scope, absl::Time from,
                                               absl::Time to) override {
    struct Acc {
      std::map<int, int64_t> counts;
      int64_t orders = 0, revenue = 0;
      std::vector<double> dispatch, delivery;
    };
    Acc total;
    std::map<std::string, Acc> by;
    for (const auto& [ref, o] : state().orders) {
      const absl::Time created = watiqa::ToTime(o.doc.create_time());
      if (!scope.Contains(o.territory) || created < from || created >= to) continue;
      for (Acc* a : {&total, &by[o.territory]}) {
        ++a->counts[o.doc.state()];
        ++a->orders;
        if (o.paid_at.has_value() && o.doc.state() != watiqa::v1::REFUNDED) {
          a->revenue += o.doc.fee().centimes();
        }
        if (o.paid_at && o.dispatched_at) {
          a->dispatch.push_back(absl::ToDoubleSeconds(*o.dispatched_at - *o.paid_at));
        }
        if (o.paid_at && o.delivered_at) {
          a->delivery.push_back(absl::ToDoubleSeconds(*o.delivered_at - *o.paid_at));
        }
      }
    }
    auto fill = [](watiqa::v1::CommuneStats& s, Acc& a) {
      s.set_orders(a.orders);
      s.set_revenue_centimes(a.revenue);
      s.set_median_hours_payment_to_dispatch(Median(a.dispatch) / 3600.0);
      s.set_median_hours_payment_to_delivery(Median(a.delivery) / 3600.0);
      for (const auto& [st, n] : a.counts) {
        watiqa::v1::StateCount* c = s.add_counts();
        c->set_state(static_cast<watiqa::v1::OrderState>(st));
        c->set_count(n);
      }
    };
    watiqa::OrderFigures out;
    fill(out.total, total);
    for (auto& [code, a] : by) {
      out.communes.emplace_back();
      out.communes.back().set_commune_code(code);
      fill(out.communes.back(), a);
    }
    return out;
  }

 private:
  static double Median(std::vector<double> v) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }
  static watiqa::v1::RefundDue RefundOf(const State& s, const watiqa::Payment& p) {
    watiqa::v1::RefundDue d;
    d.set_payment_reference(p.payment_reference);
    for (const auto& [ref, o] : s.orders) {
      if (o.id == p.order_id) d.set_order_reference(ref);
    }
    d.mutable_amount()->set_centimes(p.amount_centimes);
    d.set_reason(p.refund_reason);
    *d.mutable_since() = watiqa::ToTimestamp(p.received_at);
    if (auto it = s.refunds.find(p.payment_reference); it != s.refunds.end()) {
      d.set_refund_reference(it->second.first);
      *d.mutable_refunded_at() = watiqa::ToTimestamp(it->second.second);
    }
    return d;
  }
  // Orders matching `keep`, by id (the index's order), at most `limit`.
  template <typename Keep>
  std::vector<watiqa::StoredOrder> ById(int limit, Keep&& keep) const {
    std::vector<watiqa::StoredOrder> out;
    for (const auto& [ref, o] : state().orders) {
      if (keep(o)) out.push_back(o);
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
    if (static_cast<int>(out.size()) > limit) out.resize(limit);
    return out;
  }

  class Tx final : public watiqa::OrderTx {
   public:
    explicit Tx(State& working) : s(working) {}

    absl::StatusOr<std::optional<watiqa::StoredOrder>> Lock(const std::string& reference) override {
      auto it = s.orders.find(reference);
      if (it == s.orders.end()) return std::nullopt;
      return it->second;
    }
    absl::StatusOr<std::optional<watiqa::StoredOrder>> LockByTracking(
        const std::string& tracking) override {
      for (const auto& [ref, o] : s.orders) {
        if (o.doc.tracking_number() == tracking) return o;
      }
      return std::nullopt;
    }
    absl::Status Save(const watiqa::StoredOrder& o) override {
      auto it = s.orders.find(o.doc.reference());
      if (it == s.orders.end() || it->second.id != o.id) {
        return absl::InternalError("save of no order");
      }
      it->second = o;
      return absl::OkStatus();
    }
    absl::StatusOr<std::optional<watiqa::Payment>> PaymentOf(const std::string& ref) override {
      auto it = s.payments.find(ref);
      if (it == s.payments.end()) return std::nullopt;
      return it->second;
    }
    absl::Status AddPayment(const watiqa::Payment& p) override {
      if (!s.payments.emplace(p.payment_reference, p).second) {
        return absl::AlreadyExistsError("payment reference");
      }
      return absl::OkStatus();
    }
    absl::Status OweBack(const std::string& ref, const std::string& reason) override {
      auto it = s.payments.find(ref);
      if (it != s.payments.end()) {
        it->second.outcome = watiqa::v1::PaymentConfirmation::REFUND_DUE;
        it->second.refund_reason = reason;
      }
      return absl::OkStatus();
    }
    absl::StatusOr<std::optional<watiqa::Refund>> LockRefund(const std::string& ref) override {
      auto it = s.payments.find(ref);
      if (it == s.payments.end()) return std::nullopt;
      return watiqa::Refund{RefundOf(s, it->second), it->second.outcome};
    }
    absl::Status AcknowledgeRefund(const std::string& ref, const std::string& refund_reference,
                                   absl::Time refunded_at) override {
      s.refunds[ref] = {refund_reference, refunded_at};
      return absl::OkStatus();
    }
    absl::StatusOr<bool> RefundStillDue(const std::string& order_id) override {
      for (const auto& [ref, p] : s.payments) {
        if (p.order_id == order_id && p.outcome == watiqa::v1::PaymentConfirmation::REFUND_DUE &&
            s.refunds.count(ref) == 0) {
          return true;
        }
      }
      return false;
    }
    absl::StatusOr<bool> TrackingTaken(const std::string& tracking) override {
      ASSIGN_OR_RETURN(auto o, LockByTracking(tracking));
      return o.has_value();
    }
    absl::StatusOr<bool> AddDeliveryEvent(const std::string& tracking,
                                          const watiqa::DeliveryEvent& e,
                                          absl::Time received_at) override {
      return s.deliveries[tracking]
          .emplace(std::pair<int, int64_t>(e.kind, absl::ToUnixMicros(e.time)),
                   KeptEvent{e, received_at})
          .second;
    }
    absl::StatusOr<std::vector<watiqa::DeliveryEvent>> DeliveryEvents(
        const std::string& tracking) override {
      std::vector<watiqa::DeliveryEvent> out;
      for (const auto& [key, kept] : s.deliveries[tracking]) out.push_back(kept.event);
      return out;
    }

   protected:
    absl::Status InsertRow(const watiqa::StoredOrder& o) override {
      for (const auto& [ref, other] : s.orders) {
        if (other.id == o.id) return absl::AlreadyExistsError("order id");
      }
      if (!s.orders.emplace(o.doc.reference(), o).second) {
        return absl::AlreadyExistsError("order reference");
      }
      return absl::OkStatus();
    }
    absl::Status Record(const service::Change& c) override { return KeepChange(s.changes, c); }

   private:
    State& s;
  };

  FakeIdempotency<State> units_;
};

}  // namespace zp::testing
