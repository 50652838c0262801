#pragma once

// The table of services (services/services.tsv, embedded): each service's index, from which its
// ports follow, its API (the gateway's upstream) and whether it has a partner port.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace zp::service {

struct ServiceEntry {
  std::string name;
  int index = 0;
  std::string api;       // full name of the gRPC service the gateway routes
  bool partner = false;  // has a partner port (mutual TLS)

  int grpc_port() const { return 50100 + index; }
  int partner_port() const { return 50200 + index; }
  int metrics_port() const { return 9100 + index; }
};

// The table's rows; INVALID_ARGUMENT names the line of a malformed table.
absl::StatusOr<std::vector<ServiceEntry>> ParseServiceTable(absl::string_view text);
// The embedded table.
const std::vector<ServiceEntry>& Services();
// NOT_FOUND when `name` is not in the table.
absl::StatusOr<ServiceEntry> FindService(absl::string_view name);

}  // namespace zp::service
