#pragma once

// gRPC faces of the desk: Orders on the internal port (through the gateway), TgrPayments and
// BaridDelivery on the partner port (mutual TLS; the client certificate names the partner).

#include "services/watiqa/src/desk.h"
#include "zp/auth/jwt.h"
#include "zp/watiqa/v1/watiqa.grpc.pb.h"

namespace zp::watiqa {

#define ZP_WATIQA_DECLARE(Name, Request, Response)                                        \
  grpc::Status Name(grpc::ServerContext* ctx, const v1::Request* req, v1::Response* resp) \
      override;

class OrdersService final : public v1::Orders::Service {
 public:
  OrdersService(Desk& desk, const auth::JwtVerifier& verifier) : desk_(desk), verifier_(verifier) {}
  ZP_WATIQA_DECLARE(GetTariff, GetTariffRequest, Tariff)
  ZP_WATIQA_DECLARE(PlaceOrder, PlaceOrderRequest, Order)
  ZP_WATIQA_DECLARE(GetOrder, GetOrderRequest, Order)
  ZP_WATIQA_DECLARE(ListOrders, ListOrdersRequest, ListOrdersResponse)
  ZP_WATIQA_DECLARE(StartPayment, StartPaymentRequest, PaymentInstructions)
  ZP_WATIQA_DECLARE(CancelOrder, CancelOrderRequest, Order)
  ZP_WATIQA_DECLARE(TrackOrder, TrackOrderRequest, Tracking)
  ZP_WATIQA_DECLARE(OrderStats, OrderStatsRequest, OrderStatsResponse)

 private:
  Desk& desk_;
  const auth::JwtVerifier& verifier_;
};

class TgrPaymentsService final : public v1::TgrPayments::Service {
 public:
  explicit TgrPaymentsService(Desk& desk) : desk_(desk) {}
  ZP_WATIQA_DECLARE(ConfirmPayment, ConfirmPaymentRequest, PaymentConfirmation)
  ZP_WATIQA_DECLARE(ListRefundsDue, ListRefundsDueRequest, ListRefundsDueResponse)
  ZP_WATIQA_DECLARE(AcknowledgeRefund, AcknowledgeRefundRequest, RefundDue)

 private:
  Desk& desk_;
};

class BaridDeliveryService final : public v1::BaridDelivery::Service {
 public:
  explicit BaridDeliveryService(Desk& desk) : desk_(desk) {}
  ZP_WATIQA_DECLARE(ListShipmentsToCollect, ListShipmentsToCollectRequest,
                    ListShipmentsToCollectResponse)
  ZP_WATIQA_DECLARE(RegisterShipment, RegisterShipmentRequest, Shipment)
  ZP_WATIQA_DECLARE(ReportDeliveryEvent, ReportDeliveryEventRequest, DeliveryEventAck)

 private:
  Desk& desk_;
};

#undef ZP_WATIQA_DECLARE

}  // namespace zp::watiqa
