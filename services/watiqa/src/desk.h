#pragma once

// The order desk: what citizens, staff and partners ask of WATIQA (desk.cc, partners.cc,
// stats.cc). Each call checks who calls and what they may see, validates the whole request, and
// makes its change in one unit of work of the store (order_store.h): the order, its event and its
// audit record, all or nothing.

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "services/watiqa/src/civil_registry.h"
#include "services/watiqa/src/order_store.h"
#include "services/watiqa/src/rules.h"
#include "services/watiqa/src/tracking_cache.h"
#include "zp/auth/principal.h"
#include "zp/core/clock.h"
#include "zp/rpc/caller.h"
#include "zp/territory/referential.h"
#include "zp/watiqa/v1/watiqa.pb.h"

namespace zp::watiqa {

using rpc::Caller;

struct DeskOptions {
  Tariff tariff;
  // The TGR's payment page; the order reference and the amount are appended as query parameters.
  std::string payment_url = "https://paiement.tgr.gov.ma/watiqa";
  absl::Duration sgec_timeout = absl::Seconds(5);
};

class Desk {
 public:
  // `cache` may be disabled; `paid` is called after a payment commits (wakes the issuer).
  Desk(OrderStore& store, std::shared_ptr<const territory::Referential> referential,
       const core::Clock& clock, CivilRegistry& registry, TrackingCache& cache, DeskOptions options,
       std::function<void()> paid = nullptr);

  absl::StatusOr<v1::Tariff> GetTariff(const Caller& c, const v1::GetTariffRequest& r);
  absl::StatusOr<v1::Order> PlaceOrder(const Caller& c, const v1::PlaceOrderRequest& r);
  absl::StatusOr<v1::Order> GetOrder(const Caller& c, const v1::GetOrderRequest& r);
  absl::StatusOr<v1::ListOrdersResponse> ListOrders(const Caller& c,
                                                    const v1::ListOrdersRequest& r);
  absl::StatusOr<v1::PaymentInstructions> StartPayment(const Caller& c,
                                                       const v1::StartPaymentRequest& r);
  absl::StatusOr<v1::Order> CancelOrder(const Caller& c, const v1::CancelOrderRequest& r);
  absl::StatusOr<v1::Tracking> TrackOrder(const Caller& c, const v1::TrackOrderRequest& r);
  absl::StatusOr<v1::OrderStatsResponse> OrderStats(const Caller& c,
                                                    const v1::OrderStatsRequest& r);

  // TGR (partners.cc).
  absl::StatusOr<v1::PaymentConfirmation> ConfirmPayment(const Caller& c,
                                                         const v1::ConfirmPaymentRequest& r);
  absl::StatusOr<v1::ListRefundsDueResponse> ListRefundsDue(const Caller& c,
                                                            const v1::ListRefundsDueRequest& r);
  absl::StatusOr<v1::RefundDue> AcknowledgeRefund(const Caller& c,
                                                  const v1::AcknowledgeRefundRequest& r);
  // Barid Al Maghrib (partners.cc).
  absl::StatusOr<v1::ListShipmentsToCollectResponse> ListShipmentsToCollect(
      const Caller& c, const v1::ListShipmentsToCollectRequest& r);
  absl::StatusOr<v1::Shipment> RegisterShipment(const Caller& c,
                                                const v1::RegisterShipmentRequest& r);
  absl::StatusOr<v1::DeliveryEventAck> ReportDeliveryEvent(const Caller& c,
                                                           const v1::ReportDeliveryEventRequest& r);

 private:
  // The order `reference` when the caller may read it (NOT_FOUND otherwise, as for no order).
  absl::StatusOr<StoredOrder> Readable(const Caller& c, const std::string& reference);
  absl::StatusOr<v1::Tracking> LoadTracking(const std::string& reference,
                                            std::vector<std::string>* name_keys, int* version);

  OrderStore& store_;
  std::shared_ptr<const territory::Referential> referential_;
  const core::Clock& clock_;
  CivilRegistry& registry_;
  TrackingCache& cache_;
  DeskOptions options_;
  std::function<void()> paid_;
};

// Reasons (ErrorInfo) of WATIQA's refusals.
namespace reasons {
inline constexpr char kInvalidState[] = "INVALID_STATE";
inline constexpr char kAmountMismatch[] = "AMOUNT_MISMATCH";
inline constexpr char kPaymentReferenceReused[] = "PAYMENT_REFERENCE_REUSED";
inline constexpr char kTrackingNumberSet[] = "TRACKING_NUMBER_ALREADY_SET";
inline constexpr char kTrackingNumberTaken[] = "TRACKING_NUMBER_TAKEN";
inline constexpr char kWrongPartner[] = "WRONG_PARTNER";
inline constexpr char kTimeInFuture[] = "TIME_IN_FUTURE";
inline constexpr char kTimeBeforePreviousStep[] = "TIME_BEFORE_PREVIOUS_STEP";
inline constexpr char kNoRefundDue[] = "NO_REFUND_DUE";
inline constexpr char kRefundAlreadyAcknowledged[] = "REFUND_ALREADY_ACKNOWLEDGED";
}  // namespace reasons

}  // namespace zp::watiqa
