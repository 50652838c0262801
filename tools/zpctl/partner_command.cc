// zpctl partner PARTNER METHOD [JSON]: a partner's call to WATIQA's partner port, over mutual TLS
// with the partner's client certificate (make run creates one per partner under .run/tls/partners).
#include <grpcpp/grpcpp.h>

#include <iostream>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"
#include "tools/zpctl/commands.h"
#include "zp/core/config.h"
#include "zp/core/status.h"
#include "zp/rpc/tls.h"
#include "zp/watiqa/v1/watiqa.grpc.pb.h"

namespace zp::zpctl {
namespace {

namespace v1 = zp::watiqa::v1;
using google::protobuf::util::JsonStringToMessage;

constexpr char kUsage[] =
    "usage: zpctl partner tgr ConfirmPayment JSON | ListRefundsDue [JSON] | AcknowledgeRefund "
    "JSON\n"
    "       zpctl partner barid ListShipmentsToCollect [JSON] | RegisterShipment JSON |\n"
    "                           ReportDeliveryEvent JSON\n"
    "JSON is the request in the proto3 JSON mapping, e.g.\n"
    "  zpctl partner tgr ConfirmPayment '{\"orderReference\": \"WTQ-2026-...\",\n"
    "    \"amount\": {\"centimes\": \"3000\"}, \"paymentReference\": \"TGR-0001\",\n"
    "    \"paidAt\": \"2026-11-28T10:00:00Z\"}'\n";

int Fail(const grpc::Status& s) {
  std::cerr << "zpctl partner: " << s.error_message() << " (code " << s.error_code() << ")";
  absl::Status status = core::FromGrpcStatus(s);
  if (auto reason = core::ReasonOf(status)) std::cerr << " reason " << *reason;
  for (const auto& v : core::FieldViolationsOf(status)) {
    std::cerr << "\n  " << v.field << ": " << v.description;
  }
  std::cerr << "\n";
  return 1;
}

// Parses the request, calls, prints the answer as JSON.
template <typename Request, typename Response, typename Stub>
int Call(Stub& stub, grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
         const std::string& json) {
  Request request;
  if (!json.empty()) {
    auto parsed = JsonStringToMessage(json, &request);
    if (!parsed.ok()) {
      std::cerr << "zpctl partner: the request does not parse: " << parsed.message() << "\n";
      return 2;
    }
  }
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  Response response;
  grpc::Status s = (stub.*method)(&ctx, request, &response);
  if (!s.ok()) return Fail(s);
  google::protobuf::util::JsonPrintOptions print;
  print.add_whitespace = true;
  print.always_print_primitive_fields = true;
  std::string out;
  (void)google::protobuf::util::MessageToJsonString(response, &out, print);
  std::cout << out << "\n";
  return 0;
}

}  // namespace

int PartnerCommand(int argc, const char* const* argv) {
  if (argc < 3) {
    std::cerr << kUsage;
    return 2;
  }
  const std::string partner = argv[1];
  const std::string method = argv[2];
  std::string json;
  int rest = 2;
  if (argc > 3 && argv[3][0] != '-') {
    json = argv[3];
    rest = 3;
  }
  std::vector<core::Setting> settings = {
      {"address", "127.0.0.1:50202", "WATIQA's partner port"},
      {"tls_dir", ".run/tls", "folder of ca.crt and partners/<partner>.{crt,key}"},
      {"cert", "", "client certificate (default: <tls_dir>/partners/<partner>.crt)"},
      {"key", "", "its private key (default: <tls_dir>/partners/<partner>.key)"},
      {"ca", "", "CA of the server's certificate (default: <tls_dir>/ca.crt)"},
  };
  absl::StatusOr<core::Config> config = core::Config::Parse(settings, argc - rest, argv + rest);
  if (!config.ok()) {
    std::cerr << "zpctl partner: " << config.status().message() << "\n";
    return 2;
  }
  if (config->help_requested()) {
    std::cout << kUsage << config->Usage();
    return 0;
  }
  const std::string dir = config->String("tls_dir");
  auto pick = [&](const char* name, std::string fallback) {
    std::string v = config->String(name);
    return v.empty() ? fallback : v;
  };
  rpc::TlsFiles files{pick("cert", absl::StrCat(dir, "/partners/", partner, ".crt")),
                      pick("key", absl::StrCat(dir, "/partners/", partner, ".key")),
                      pick("ca", absl::StrCat(dir, "/ca.crt"))};
  auto credentials = rpc::MutualTlsChannelCredentials(files);
  if (!credentials.ok()) {
    std::cerr << "zpctl partner: " << credentials.status().message() << "\n";
    return 2;
  }
  auto channel = grpc::CreateChannel(config->String("address"), *credentials);
  // The method names the service; the partner names the certificate (a partner calling another's
  // method is refused by the service: WRONG_PARTNER).
  auto tgr = v1::TgrPayments::NewStub(channel);
  auto barid = v1::BaridDelivery::NewStub(channel);
  if (method == "ConfirmPayment") return Call(*tgr, &v1::TgrPayments::Stub::ConfirmPayment, json);
  if (method == "ListRefundsDue") return Call(*tgr, &v1::TgrPayments::Stub::ListRefundsDue, json);
  if (method == "AcknowledgeRefund") {
    return Call(*tgr, &v1::TgrPayments::Stub::AcknowledgeRefund, json);
  }
  if (method == "ListShipmentsToCollect") {
    return Call(*barid, &v1::BaridDelivery::Stub::ListShipmentsToCollect, json);
  }
  if (method == "RegisterShipment") {
    return Call(*barid, &v1::BaridDelivery::Stub::RegisterShipment, json);
  }
  if (method == "ReportDeliveryEvent") {
    return Call(*barid, &v1::BaridDelivery::Stub::ReportDeliveryEvent, json);
  }
  std::cerr << kUsage;
  return 2;
}

}  // namespace zp::zpctl
