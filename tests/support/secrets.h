#pragma once

#include <memory>
#include <string>

#include "zp/auth/jwt.h"

namespace zp::testing {

// The keys and certificates that `make run` creates (deploy/local/secrets.sh), in a temporary
// folder of the test's own, removed afterwards.
struct Secrets {
  Secrets();
  ~Secrets();
  std::string tls(const std::string& name) const { return dir + "/tls/" + name; }
  std::string jwks() const { return dir + "/jwt/jwks.json"; }
  // The key with which service `name` signs documents.
  std::string document_key(const std::string& name) const {
    return dir + "/documents/" + name + ".pem";
  }
  // Signs tokens with the folder's JWT key (the one jwks() publishes).
  std::unique_ptr<auth::JwtSigner> Signer() const;

  std::string dir;
};

}  // namespace zp::testing
