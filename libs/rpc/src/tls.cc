#include "zp/rpc/tls.h"

#include "absl/strings/str_cat.h"
#include "zp/core/files.h"
#include "zp/core/status.h"

namespace zp::rpc {

namespace {

absl::StatusOr<grpc::SslServerCredentialsOptions> ServerOptions(const TlsFiles& files) {
  grpc::SslServerCredentialsOptions options;
  ASSIGN_OR_RETURN(std::string cert, core::ReadFile(files.cert_file));
  ASSIGN_OR_RETURN(std::string key, core::ReadFile(files.key_file));
  options.pem_key_cert_pairs.push_back({key, cert});
  if (!files.ca_file.empty()) {
    ASSIGN_OR_RETURN(options.pem_root_certs, core::ReadFile(files.ca_file));
  }
  return options;
}

}  // namespace

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MutualTlsServerCredentials(
    const TlsFiles& files) {
  if (files.ca_file.empty()) {
    return absl::InvalidArgumentError("mutual TLS needs the CA of the client certificates");
  }
  ASSIGN_OR_RETURN(grpc::SslServerCredentialsOptions options, ServerOptions(files));
  options.client_certificate_request = GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
  return grpc::SslServerCredentials(options);
}

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> TlsServerCredentials(
    const TlsFiles& files) {
  ASSIGN_OR_RETURN(grpc::SslServerCredentialsOptions options, ServerOptions(files));
  options.client_certificate_request = GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE;
  return grpc::SslServerCredentials(options);
}

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> MutualTlsChannelCredentials(
    const TlsFiles& files) {
  grpc::SslCredentialsOptions options;
  ASSIGN_OR_RETURN(options.pem_root_certs, core::ReadFile(files.ca_file));
  if (!files.cert_file.empty()) {
    ASSIGN_OR_RETURN(options.pem_cert_chain, core::ReadFile(files.cert_file));
    ASSIGN_OR_RETURN(options.pem_private_key, core::ReadFile(files.key_file));
  }
  return grpc::SslCredentials(options);
}

}  // namespace zp::rpc
