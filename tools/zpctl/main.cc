// zpctl: the operator's command-line tool.

#include <iostream>
#include <string>

#include "tools/zpctl/commands.h"

namespace {

void Usage() {
  std::cerr << "usage: zpctl <command> [flags]\n\n"
               "commands:\n"
               "  token   mint a development JWT with the local key pair\n"
               "          zpctl token --roles civil_agent --territories 01.511.01.01 [--sub S]\n"
               "  jwks    print a JWKS for PEM public keys: zpctl jwks KID=FILE[=SERVICE] ...\n"
               "  sgec    civil registry: historical import and its report\n"
               "          ZP_TOKEN=T zpctl sgec import FILE.ndjson [--address 127.0.0.1:50101]\n"
               "          ZP_TOKEN=T zpctl sgec report IMPORT_ID\n"
               "  partner a partner's call to WATIQA over mutual TLS (TGR, Barid Al Maghrib)\n"
               "          zpctl partner tgr ConfirmPayment JSON [--address 127.0.0.1:50202]\n"
               "          zpctl partner barid ListShipmentsToCollect | RegisterShipment JSON |\n"
               "                              ReportDeliveryEvent JSON\n"
               "\n`zpctl <command> --help` lists the flags of a command.\n";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    Usage();
    return 2;
  }
  const std::string command = argv[1];
  if (command == "token") {
    return zp::zpctl::TokenCommand(argc - 1, argv + 1);
  }
  if (command == "sgec") {
    return zp::zpctl::SgecCommand(argc - 1, argv + 1);
  }
  if (command == "partner") {
    return zp::zpctl::PartnerCommand(argc - 1, argv + 1);
  }
  if (command == "jwks") {
    return zp::zpctl::JwksCommand(argc - 1, argv + 1);
  }
  Usage();
  return 2;
}
