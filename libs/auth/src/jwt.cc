#include "zp/auth/jwt.h"

#include <jwt.h>

#include <cstdlib>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "zp/auth/jwk.h"
#include "zp/core/files.h"
#include "zp/core/status.h"

namespace zp::auth {
namespace {

struct JwtDeleter {
  void operator()(jwt_t* j) const { jwt_free(j); }
};
using JwtPtr = std::unique_ptr<jwt_t, JwtDeleter>;

struct JwtStringDeleter {
  void operator()(char* s) const { free(s); }  // libjwt 1.10 strings come from malloc
};

absl::Status Invalid(absl::string_view why) {
  return core::ErrorWithReason(absl::StatusCode::kUnauthenticated,
                               absl::StrCat("invalid token: ", why), "TOKEN_INVALID");
}

std::vector<std::string> Strings(const google::protobuf::Value& v) {
  std::vector<std::string> out;
  if (v.has_string_value()) {
    out.push_back(v.string_value());
  } else if (v.has_list_value()) {
    for (const auto& item : v.list_value().values()) {
      if (item.has_string_value()) {
        out.push_back(item.string_value());
      }
    }
  }
  return out;
}

// A service's key signs only that service's identity; any other key signs no service identity.
absl::Status CheckServiceBinding(const Principal& p, absl::string_view key_service) {
  const bool claims_service =
      p.HasRole(roles::kService) || absl::StartsWith(p.subject, kServiceSubjectPrefix);
  if (key_service.empty()) {
    if (claims_service) return Invalid("a service identity needs its service's own key");
    return absl::OkStatus();
  }
  if (p.subject != absl::StrCat(kServiceSubjectPrefix, key_service) ||
      p.roles != std::vector<std::string>{std::string(roles::kService)} || !p.idcs.empty()) {
    return Invalid(
        absl::StrCat("the key of service ", key_service, " signs only that service's own tokens"));
  }
  return absl::OkStatus();
}

}  // namespace

std::vector<core::Setting> JwtSettings() {
  const JwtOptions defaults;
  return {
      {"jwks_file", ".run/jwt/jwks.json", "JSON Web Key Set that verifies bearer tokens"},
      {"jwt_issuer", defaults.issuer, "expected iss of bearer tokens"},
      {"jwt_audience", defaults.audience, "expected aud of bearer tokens"},
      {"jwt_clock_skew", absl::FormatDuration(defaults.clock_skew),
       "clock skew tolerated on exp and nbf: a token is refused once past exp + this"},
  };
}

absl::StatusOr<JwtOptions> JwtOptionsFromConfig(const core::Config& config) {
  JwtOptions options;
  options.issuer = config.String("jwt_issuer");
  options.audience = config.String("jwt_audience");
  ASSIGN_OR_RETURN(options.clock_skew, config.Duration("jwt_clock_skew"));
  if (options.clock_skew < absl::ZeroDuration() || options.clock_skew > absl::Minutes(5)) {
    return absl::InvalidArgumentError("jwt_clock_skew: between 0s and 5m");
  }
  return options;
}

absl::StatusOr<std::unique_ptr<JwtVerifier>> JwtVerifier::FromJwks(absl::string_view jwks_json,
                                                                   JwtOptions options,
                                                                   const core::Clock& clock) {
  ASSIGN_OR_RETURN(zp::auth::v1::JsonWebKeySet set, ParseJwks(jwks_json));
  std::map<std::string, Key> key_by_kid;
  for (const auto& jwk : set.keys()) {
    if (jwk.kid().empty()) {
      return absl::InvalidArgumentError("JWKS: every key needs a kid");
    }
    if (key_by_kid.count(jwk.kid()) != 0) {
      return absl::InvalidArgumentError(absl::StrCat("JWKS: kid ", jwk.kid(), " appears twice"));
    }
    Key& key = key_by_kid[jwk.kid()];
    ASSIGN_OR_RETURN(key.pem, PemFromJwk(jwk));
    key.service = jwk.zp_service();
  }
  if (key_by_kid.empty()) {
    return absl::InvalidArgumentError("JWKS: no keys");
  }
  return std::unique_ptr<JwtVerifier>(
      new JwtVerifier(std::move(key_by_kid), std::move(options), clock));
}

absl::StatusOr<std::unique_ptr<JwtVerifier>> JwtVerifier::FromJwksFile(const std::string& path,
                                                                       JwtOptions options,
                                                                       const core::Clock& clock) {
  ASSIGN_OR_RETURN(std::string json, core::ReadFile(path));
  return FromJwks(json, std::move(options), clock);
}

absl::StatusOr<Principal> JwtVerifier::Verify(absl::string_view token) const {
  const std::string key(token);
  {
    absl::MutexLock lock(&mu_);
    auto it = cache_.find(key);
    if (it != cache_.end()) {
      if (clock_.Now() <= it->second.expires + options_.clock_skew) {
        return it->second.principal;
      }
      cache_.erase(it);
    }
  }
  absl::Time expires;
  absl::StatusOr<Principal> principal = VerifyUncached(token, &expires);
  if (principal.ok()) {
    absl::MutexLock lock(&mu_);
    if (cache_.size() >= kCacheLimit) {
      cache_.clear();  // bounded memory; the next calls verify again
    }
    cache_[key] = Verified{*principal, expires};
  }
  return principal;
}

absl::StatusOr<Principal> JwtVerifier::VerifyUncached(absl::string_view token,
                                                      absl::Time* expires) const {
  if (token.empty()) {
    return Invalid("empty");
  }
  const std::string text(token);
  // First pass without a key reads the header only; nothing from it is trusted beyond choosing
  // the key, and the algorithm is pinned before any verification.
  jwt_t* raw = nullptr;
  if (jwt_decode(&raw, text.c_str(), nullptr, 0) != 0 || raw == nullptr) {
    return Invalid("malformed");
  }
  JwtPtr unverified(raw);
  const char* alg = jwt_get_header(unverified.get(), "alg");
  if (alg == nullptr || std::string(alg) != "ES256") {
    return Invalid(absl::StrCat("algorithm ", alg == nullptr ? "(none)" : alg, " is not accepted"));
  }
  const char* kid = jwt_get_header(unverified.get(), "kid");
  if (kid == nullptr) {
    return Invalid("no kid");
  }
  auto key = key_by_kid_.find(kid);
  if (key == key_by_kid_.end()) {
    return Invalid(absl::StrCat("unknown kid ", kid));
  }
  const Key& k = key->second;
  raw = nullptr;
  if (jwt_decode(&raw, text.c_str(), reinterpret_cast<const unsigned char*>(k.pem.data()),
                 static_cast<int>(k.pem.size())) != 0 ||
      raw == nullptr) {
    return Invalid("bad signature");
  }
  JwtPtr verified(raw);
  if (jwt_get_alg(verified.get()) != JWT_ALG_ES256) {
    return Invalid("algorithm changed");
  }
  std::unique_ptr<char, JwtStringDeleter> grants(jwt_get_grants_json(verified.get(), nullptr));
  if (grants == nullptr) {
    return Invalid("no claims");
  }
  google::protobuf::Struct claims;
  if (!google::protobuf::util::JsonStringToMessage(grants.get(), &claims).ok()) {
    return Invalid("claims are not a JSON object");
  }
  const auto& fields = claims.fields();
  auto number = [&](const char* name) -> std::optional<double> {
    auto it = fields.find(name);
    if (it == fields.end() || !it->second.has_number_value()) {
      return std::nullopt;
    }
    return it->second.number_value();
  };
  auto string = [&](const char* name) -> std::string {
    auto it = fields.find(name);
    return it == fields.end() ? std::string() : it->second.string_value();
  };
  const double now = absl::ToDoubleSeconds(clock_.Now() - absl::UnixEpoch());
  const double leeway = absl::ToDoubleSeconds(options_.clock_skew);
  std::optional<double> exp = number("exp");
  if (!exp.has_value()) {
    return Invalid("no exp");
  }
  *expires = absl::FromUnixSeconds(static_cast<int64_t>(*exp));
  if (now > *exp + leeway) {
    return core::ErrorWithReason(absl::StatusCode::kUnauthenticated, "token expired",
                                 "TOKEN_EXPIRED");
  }
  if (std::optional<double> nbf = number("nbf"); nbf.has_value() && now + leeway < *nbf) {
    return Invalid("not valid yet");
  }
  if (string("iss") != options_.issuer) {
    return Invalid("wrong issuer");
  }
  auto aud = fields.find("aud");
  bool audience_ok = false;
  if (aud != fields.end()) {
    for (const std::string& a : Strings(aud->second)) {
      audience_ok = audience_ok || a == options_.audience;
    }
  }
  if (!audience_ok) {
    return Invalid("wrong audience");
  }
  Principal principal;
  principal.subject = string("sub");
  if (principal.subject.empty()) {
    return Invalid("no sub");
  }
  if (auto it = fields.find("roles"); it != fields.end()) {
    principal.roles = Strings(it->second);
  }
  if (auto it = fields.find("territories"); it != fields.end()) {
    principal.territories = Strings(it->second);
  }
  principal.idcs = string("idcs");
  if (auto it = fields.find("authorization_details"); it != fields.end()) {
    if (!it->second.has_list_value()) return Invalid("authorization_details is not a list");
    for (const auto& detail : it->second.list_value().values()) {
      if (!detail.has_struct_value()) return Invalid("an authorization detail is not an object");
      principal.authorization_details.push_back(detail.struct_value());
    }
  }
  RETURN_IF_ERROR(CheckServiceBinding(principal, k.service));
  return principal;
}

absl::StatusOr<std::unique_ptr<JwtSigner>> JwtSigner::FromPem(std::string private_key_pem,
                                                              std::string kid) {
  return std::unique_ptr<JwtSigner>(new JwtSigner(std::move(private_key_pem), std::move(kid)));
}

absl::StatusOr<std::unique_ptr<JwtSigner>> JwtSigner::FromPemFile(const std::string& path,
                                                                  std::string kid) {
  ASSIGN_OR_RETURN(std::string pem, core::ReadFile(path));
  return FromPem(std::move(pem), std::move(kid));
}

absl::StatusOr<std::string> JwtSigner::SignRaw(
    const std::string& payload_json, const std::map<std::string, std::string>& headers) const {
  jwt_t* raw = nullptr;
  if (jwt_new(&raw) != 0) {
    return absl::InternalError("jwt_new failed");
  }
  JwtPtr jwt(raw);
  if (jwt_add_grants_json(jwt.get(), payload_json.c_str()) != 0) {
    return absl::InvalidArgumentError("claims are not a JSON object");
  }
  for (const auto& [k, v] : headers) {
    if (jwt_add_header(jwt.get(), k.c_str(), v.c_str()) != 0) {
      return absl::InvalidArgumentError(absl::StrCat("bad header ", k));
    }
  }
  if (jwt_set_alg(jwt.get(), JWT_ALG_ES256, reinterpret_cast<const unsigned char*>(pem_.data()),
                  static_cast<int>(pem_.size())) != 0) {
    return absl::InvalidArgumentError("cannot use the signing key");
  }
  std::unique_ptr<char, JwtStringDeleter> encoded(jwt_encode_str(jwt.get()));
  if (encoded == nullptr) {
    return absl::InternalError("cannot sign the token (is the key an EC P-256 private key?)");
  }
  return std::string(encoded.get());
}

absl::StatusOr<std::string> JwtSigner::Sign(const TokenClaims& claims, absl::Time now) const {
  google::protobuf::Struct payload;
  auto& f = *payload.mutable_fields();
  f["sub"].set_string_value(claims.subject);
  f["iss"].set_string_value(claims.issuer);
  f["aud"].set_string_value(claims.audience);
  const int64_t iat = absl::ToUnixSeconds(now);
  f["iat"].set_number_value(static_cast<double>(iat));
  f["nbf"].set_number_value(static_cast<double>(iat));
  f["exp"].set_number_value(static_cast<double>(absl::ToUnixSeconds(now + claims.lifetime)));
  for (const std::string& r : claims.roles) {
    f["roles"].mutable_list_value()->add_values()->set_string_value(r);
  }
  for (const std::string& t : claims.territories) {
    f["territories"].mutable_list_value()->add_values()->set_string_value(t);
  }
  if (!claims.idcs.empty()) {
    f["idcs"].set_string_value(claims.idcs);
  }
  for (const google::protobuf::Struct& detail : claims.authorization_details) {
    *f["authorization_details"].mutable_list_value()->add_values()->mutable_struct_value() = detail;
  }
  std::string json;
  (void)google::protobuf::util::MessageToJsonString(payload, &json);
  return SignRaw(json, {{"kid", kid_}});
}

}  // namespace zp::auth
