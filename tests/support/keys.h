#pragma once

#include <string>

namespace zp::testing {

struct EcKeyPair {
  std::string private_pem;
  std::string public_pem;
};

// A fresh EC P-256 key pair, PEM-encoded.
EcKeyPair GenerateEcKeyPair();

}  // namespace zp::testing
