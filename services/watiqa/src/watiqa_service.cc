#include "services/watiqa/src/watiqa_service.h"

#include "absl/strings/match.h"
#include "zp/core/status.h"
#include "zp/rpc/call.h"
#include "zp/rpc/handler.h"

namespace zp::watiqa {

namespace {

enum class Access { kToken, kPublic, kPartner };

absl::StatusOr<Caller> CallerOf(grpc::ServerContext* ctx, const auth::JwtVerifier* verifier,
                                Access access) {
  const std::string header = rpc::Metadata(ctx, rpc::kAuthorizationHeader);
  if (access == Access::kPartner) {
    ASSIGN_OR_RETURN(rpc::Call call, rpc::Call::Partner(ctx));
    return Caller{call.principal(), call.traceparent(), "", call.request_id()};
  }
  if (access == Access::kPublic && header.empty()) {
    rpc::Call call = rpc::Call::Anonymous(ctx);
    return Caller{std::nullopt, call.traceparent(), "", call.request_id()};
  }
  ASSIGN_OR_RETURN(rpc::Call call, rpc::Call::Authenticated(ctx, *verifier));
  std::string token = header.size() > 7 ? header.substr(7) : "";
  return Caller{call.principal(), call.traceparent(), std::move(token), call.request_id()};
}

template <typename Request, typename Response>
grpc::Status Handle(grpc::ServerContext* ctx, const Request* req, Response* resp, Desk& desk,
                    absl::StatusOr<Response> (Desk::*method)(const Caller&, const Request&),
                    const auth::JwtVerifier* verifier, Access access) {
  return rpc::Serve(
      ctx, *req, resp, [&](grpc::ServerContext* c) { return CallerOf(c, verifier, access); },
      [&](const Caller& caller, const Request& r) { return (desk.*method)(caller, r); });
}

}  // namespace

#define ZP_WATIQA_METHOD(Service, Name, Request, Response, verifier, access)   \
  grpc::Status Service::Name(grpc::ServerContext* ctx, const v1::Request* req, \
                             v1::Response* resp) {                             \
    return Handle(ctx, req, resp, desk_, &Desk::Name, verifier, access);       \
  }

ZP_WATIQA_METHOD(OrdersService, GetTariff, GetTariffRequest, Tariff, &verifier_, Access::kPublic)
ZP_WATIQA_METHOD(OrdersService, PlaceOrder, PlaceOrderRequest, Order, &verifier_, Access::kToken)
ZP_WATIQA_METHOD(OrdersService, GetOrder, GetOrderRequest, Order, &verifier_, Access::kToken)
ZP_WATIQA_METHOD(OrdersService, ListOrders, ListOrdersRequest, ListOrdersResponse, &verifier_,
                 Access::kToken)
ZP_WATIQA_METHOD(OrdersService, StartPayment, StartPaymentRequest, PaymentInstructions, &verifier_,
                 Access::kToken)
ZP_WATIQA_METHOD(OrdersService, CancelOrder, CancelOrderRequest, Order, &verifier_, Access::kToken)
ZP_WATIQA_METHOD(OrdersService, TrackOrder, TrackOrderRequest, Tracking, &verifier_,
                 Access::kPublic)
ZP_WATIQA_METHOD(OrdersService, OrderStats, OrderStatsRequest, OrderStatsResponse, &verifier_,
                 Access::kToken)
ZP_WATIQA_METHOD(TgrPaymentsService, ConfirmPayment, ConfirmPaymentRequest, PaymentConfirmation,
                 nullptr, Access::kPartner)
ZP_WATIQA_METHOD(TgrPaymentsService, ListRefundsDue, ListRefundsDueRequest, ListRefundsDueResponse,
                 nullptr, Access::kPartner)
ZP_WATIQA_METHOD(TgrPaymentsService, AcknowledgeRefund, AcknowledgeRefundRequest, RefundDue,
                 nullptr, Access::kPartner)
ZP_WATIQA_METHOD(BaridDeliveryService, ListShipmentsToCollect, ListShipmentsToCollectRequest,
                 ListShipmentsToCollectResponse, nullptr, Access::kPartner)
ZP_WATIQA_METHOD(BaridDeliveryService, RegisterShipment, RegisterShipmentRequest, Shipment, nullptr,
                 Access::kPartner)
ZP_WATIQA_METHOD(BaridDeliveryService, ReportDeliveryEvent, ReportDeliveryEventRequest,
                 DeliveryEventAck, nullptr, Access::kPartner)

#undef ZP_WATIQA_METHOD

}  // namespace zp::watiqa
