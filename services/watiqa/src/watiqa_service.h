#pragma once

// The gRPC faces of the desk, one row per method: Orders on the internal port (through the
// gateway), TgrPayments and BaridDelivery on the partner port (mutual TLS; the client certificate
// names the partner, and each method checks it is its partner's).

#include "services/watiqa/src/desk.h"
#include "zp/auth/jwt.h"
#include "zp/rpc/method.h"
#include "zp/watiqa/v1/watiqa.grpc.pb.h"

namespace zp::watiqa {

class OrdersService final : public v1::Orders::Service {
 public:
  using Base = v1::Orders::Service;
  using enum rpc::Access;
  OrdersService(Desk& desk, const auth::JwtVerifier& verifier)
      : desk_(desk), verifier_(&verifier) {}

  ZP_RPC_METHOD(GetTariff, kPublic, desk_.GetTariff)
  ZP_RPC_METHOD(PlaceOrder, kToken, desk_.PlaceOrder)
  ZP_RPC_METHOD(GetOrder, kToken, desk_.GetOrder)
  ZP_RPC_METHOD(ListOrders, kToken, desk_.ListOrders)
  ZP_RPC_METHOD(StartPayment, kToken, desk_.StartPayment)
  ZP_RPC_METHOD(CancelOrder, kToken, desk_.CancelOrder)
  ZP_RPC_METHOD(TrackOrder, kPublic, desk_.TrackOrder)
  ZP_RPC_METHOD(OrderStats, kToken, desk_.OrderStats)

 private:
  Desk& desk_;
  const auth::JwtVerifier* verifier_;
};

class TgrPaymentsService final : public v1::TgrPayments::Service {
 public:
  using Base = v1::TgrPayments::Service;
  using enum rpc::Access;
  explicit TgrPaymentsService(Desk& desk) : desk_(desk) {}

  ZP_RPC_METHOD(ConfirmPayment, kPartner, desk_.ConfirmPayment)
  ZP_RPC_METHOD(ListRefundsDue, kPartner, desk_.ListRefundsDue)
  ZP_RPC_METHOD(AcknowledgeRefund, kPartner, desk_.AcknowledgeRefund)

 private:
  Desk& desk_;
  const auth::JwtVerifier* verifier_ = nullptr;  // partners have no token
};

class BaridDeliveryService final : public v1::BaridDelivery::Service {
 public:
  using Base = v1::BaridDelivery::Service;
  using enum rpc::Access;
  explicit BaridDeliveryService(Desk& desk) : desk_(desk) {}

  ZP_RPC_METHOD(ListShipmentsToCollect, kPartner, desk_.ListShipmentsToCollect)
  ZP_RPC_METHOD(RegisterShipment, kPartner, desk_.RegisterShipment)
  ZP_RPC_METHOD(ReportDeliveryEvent, kPartner, desk_.ReportDeliveryEvent)

 private:
  Desk& desk_;
  const auth::JwtVerifier* verifier_ = nullptr;  // partners have no token
};

}  // namespace zp::watiqa
