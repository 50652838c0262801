#include "tests/support/secrets.h"

#include "absl/strings/ascii.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_env.h"
#include "zp/core/files.h"

namespace zp::testing {

Secrets::Secrets() : dir("/tmp/" + UniqueName("zp-secrets-")) {
  RunCommand(SourceDir() + "/deploy/local/secrets.sh 2>/dev/null",
             {{"ZP_RUN_DIR", dir}, {"ZP_BUILD_DIR", BinaryDir()}});
}

Secrets::~Secrets() { RunCommand("rm -rf " + dir); }

std::unique_ptr<auth::JwtSigner> Secrets::Signer() const {
  std::string kid(
      absl::StripAsciiWhitespace(core::ReadFile(dir + "/jwt/private.pem.kid").value_or("")));
  auto signer = auth::JwtSigner::FromPemFile(dir + "/jwt/private.pem", kid);
  return signer.ok() ? *std::move(signer) : nullptr;
}

}  // namespace zp::testing
