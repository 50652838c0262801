#pragma once

#include <grpcpp/security/credentials.h>
#include <grpcpp/security/server_credentials.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace zp::rpc {

struct TlsFiles {
  std::string cert_file;
  std::string key_file;
  // CA that signs the peers' certificates (client certificates on a server, the server's on a
  // client).
  std::string ca_file;
};

// Server credentials that require and verify a client certificate signed by `files.ca_file`.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MutualTlsServerCredentials(
    const TlsFiles& files);
// Server credentials with TLS but no client certificate.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> TlsServerCredentials(
    const TlsFiles& files);
// Client credentials presenting `files.cert_file` and trusting `files.ca_file`.
absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> MutualTlsChannelCredentials(
    const TlsFiles& files);

}  // namespace zp::rpc
