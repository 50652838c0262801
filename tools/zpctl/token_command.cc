#include <iostream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_split.h"
#include "tools/zpctl/commands.h"
#include "zp/auth/jwk.h"
#include "zp/auth/jwt.h"
#include "zp/core/config.h"
#include "zp/core/files.h"

namespace zp::zpctl {
namespace {

std::vector<std::string> List(const std::string& csv) {
  return absl::StrSplit(csv, ',', absl::SkipEmpty());
}

}  // namespace

int TokenCommand(int argc, const char* const* argv) {
  std::vector<core::Setting> settings = {
      {"roles", "", "comma-separated roles (citizen, agent, civil_agent, civil_officer, ...)"},
      {"territories", "MA", "comma-separated HCP territory codes"},
      {"sub", "dev-user", "subject"},
      {"idcs", "", "civil-status identifier of a citizen"},
      {"ttl", "8h", "lifetime"},
      {"key", ".run/jwt/private.pem", "EC P-256 private key (PEM)"},
      {"kid", "", "key id; default: the content of <key>.kid"},
      {"issuer", auth::JwtOptions().issuer, "iss claim"},
      {"audience", auth::JwtOptions().audience, "aud claim"},
  };
  absl::StatusOr<core::Config> config = core::Config::Parse(settings, argc, argv);
  if (!config.ok()) {
    std::cerr << "zpctl token: " << config.status().message() << "\n";
    return 2;
  }
  if (config->help_requested()) {
    std::cout << "usage: zpctl token [flags]\n" << config->Usage();
    return 0;
  }
  std::string kid = config->String("kid");
  if (kid.empty()) {
    absl::StatusOr<std::string> from_file = core::ReadFile(config->String("key") + ".kid");
    if (!from_file.ok()) {
      std::cerr << "zpctl token: no --kid and " << from_file.status().message() << "\n";
      return 1;
    }
    kid = std::string(absl::StripAsciiWhitespace(*from_file));
  }
  absl::StatusOr<std::unique_ptr<auth::JwtSigner>> signer =
      auth::JwtSigner::FromPemFile(config->String("key"), kid);
  absl::StatusOr<absl::Duration> ttl = config->Duration("ttl");
  if (!signer.ok() || !ttl.ok()) {
    std::cerr << "zpctl token: "
              << (signer.ok() ? ttl.status().message() : signer.status().message()) << "\n";
    return 1;
  }
  auth::TokenClaims claims;
  claims.subject = config->String("sub");
  claims.roles = List(config->String("roles"));
  claims.territories = List(config->String("territories"));
  claims.idcs = config->String("idcs");
  claims.lifetime = *ttl;
  claims.issuer = config->String("issuer");
  claims.audience = config->String("audience");
  for (const std::string& role : claims.roles) {
    if (!auth::IsKnownRole(role)) {
      std::cerr << "zpctl token: unknown role " << role << "\n";
      return 2;
    }
  }
  absl::StatusOr<std::string> token = (*signer)->Sign(claims);
  if (!token.ok()) {
    std::cerr << "zpctl token: " << token.status().message() << "\n";
    return 1;
  }
  std::cout << *token << "\n";
  return 0;
}

int JwksCommand(int argc, const char* const* argv) {
  zp::auth::v1::JsonWebKeySet set;
  for (int i = 1; i < argc; ++i) {
    // KID=PUBLIC_KEY_FILE for a key of user tokens, KID=PUBLIC_KEY_FILE=SERVICE for a service's
    // own key (only that service's identity verifies under it).
    std::vector<std::string> pair = absl::StrSplit(argv[i], absl::MaxSplits('=', 2));
    if (pair.size() < 2 || pair[0].empty() || pair[1].empty() ||
        (pair.size() == 3 && pair[2].empty())) {
      std::cerr << "zpctl jwks: arguments are KID=PUBLIC_KEY_FILE or KID=PUBLIC_KEY_FILE=SERVICE\n";
      return 2;
    }
    absl::StatusOr<std::string> pem = core::ReadFile(pair[1]);
    if (!pem.ok()) {
      std::cerr << "zpctl jwks: " << pem.status().message() << "\n";
      return 1;
    }
    absl::StatusOr<zp::auth::v1::JsonWebKey> jwk = auth::JwkFromPem(*pem, pair[0]);
    if (!jwk.ok()) {
      std::cerr << "zpctl jwks: " << pair[1] << ": " << jwk.status().message() << "\n";
      return 1;
    }
    if (pair.size() == 3) jwk->set_zp_service(pair[2]);
    *set.add_keys() = *jwk;
  }
  std::cout << auth::JwksToJson(set);
  return 0;
}

}  // namespace zp::zpctl
