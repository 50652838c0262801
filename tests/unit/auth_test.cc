#include <catch2/catch.hpp>

#include "absl/strings/escaping.h"
#include "absl/strings/str_split.h"
#include "tests/support/keys.h"
#include "zp/auth/grants.h"
#include "zp/auth/jwk.h"
#include "zp/auth/jwt.h"
#include "zp/auth/territory_scope.h"
#include "zp/core/status.h"

namespace zp::auth {
namespace {

struct Fixture {
  testing::EcKeyPair key = testing::GenerateEcKeyPair();
  testing::EcKeyPair other = testing::GenerateEcKeyPair();
  core::ManualClock clock{absl::FromUnixSeconds(1790000000)};
  std::unique_ptr<JwtSigner> signer = *JwtSigner::FromPem(key.private_pem, "k1");
  std::unique_ptr<JwtVerifier> verifier;

  Fixture() {
    v1::JsonWebKeySet set;
    *set.add_keys() = *JwkFromPem(key.public_pem, "k1");
    *set.add_keys() = *JwkFromPem(other.public_pem, "k2");
    verifier = *JwtVerifier::FromJwks(JwksToJson(set), JwtOptions(), clock);
  }

  TokenClaims Claims() const {
    TokenClaims c;
    c.subject = "agent-7";
    c.roles = {"civil_agent", "agent"};
    c.territories = {"01.511.01.01"};
    c.lifetime = absl::Hours(1);
    return c;
  }
  std::string Token(const TokenClaims& c) const { return *signer->Sign(c, clock.Now()); }
};

std::string ReasonOfVerify(const Fixture& f, const std::string& token) {
  auto p = f.verifier->Verify(token);
  REQUIRE_FALSE(p.ok());
  CHECK(p.status().code() == absl::StatusCode::kUnauthenticated);
  return core::ReasonOf(p.status()).value_or("");
}

TEST_CASE("jwt: a valid token yields the principal", "[auth]") {
  Fixture f;
  auto p = f.verifier->Verify(f.Token(f.Claims()));
  INFO(p.status().ToString());
  REQUIRE(p.ok());
  CHECK(p->subject == "agent-7");
  CHECK(p->roles == std::vector<std::string>{"civil_agent", "agent"});
  CHECK(p->territories == std::vector<std::string>{"01.511.01.01"});
  CHECK(f.verifier->key_count() == 2);
}

TEST_CASE("jwt: keys rotate: a token of any published kid verifies", "[auth]") {
  Fixture f;
  auto second = *JwtSigner::FromPem(f.other.private_pem, "k2");
  CHECK(f.verifier->Verify(*second->Sign(f.Claims(), f.clock.Now())).ok());
  auto unknown = *JwtSigner::FromPem(f.other.private_pem, "k9");
  CHECK(ReasonOfVerify(f, *unknown->Sign(f.Claims(), f.clock.Now())) == "TOKEN_INVALID");
  // Signed with k2's key but claiming k1: the signature does not match k1.
  auto lying = *JwtSigner::FromPem(f.other.private_pem, "k1");
  CHECK(ReasonOfVerify(f, *lying->Sign(f.Claims(), f.clock.Now())) == "TOKEN_INVALID");
}

TEST_CASE("jwt: an expired token is refused past the clock skew (2 s by default)", "[auth]") {
  Fixture f;
  CHECK(JwtOptions().clock_skew == absl::Seconds(2));
  std::string token = f.Token(f.Claims());
  CHECK(f.verifier->Verify(token).ok());  // remembered by the verifier's cache from here on
  f.clock.Advance(absl::Hours(1) + absl::Seconds(2));
  CHECK(f.verifier->Verify(token).ok());
  f.clock.Advance(absl::Seconds(1));
  CHECK(ReasonOfVerify(f, token) == "TOKEN_EXPIRED");
  // Without skew, the first second past exp refuses it.
  v1::JsonWebKeySet set;
  *set.add_keys() = *JwkFromPem(f.key.public_pem, "k1");
  JwtOptions strict;
  strict.clock_skew = absl::ZeroDuration();
  core::ManualClock clock{f.clock.Now() - absl::Hours(1) - absl::Seconds(3)};
  auto verifier = *JwtVerifier::FromJwks(JwksToJson(set), strict, clock);
  CHECK(verifier->Verify(token).ok());
  clock.Advance(absl::Hours(1));
  CHECK(verifier->Verify(token).ok());
  clock.Advance(absl::Seconds(1));
  CHECK(core::ReasonOf(verifier->Verify(token).status()) == "TOKEN_EXPIRED");
}

TEST_CASE("jwt: the clock skew is a setting, bounded", "[auth]") {
  auto parse = [](std::vector<const char*> args) {
    args.insert(args.begin(), "test");
    return core::Config::Parse(JwtSettings(), static_cast<int>(args.size()), args.data(),
                               [](const std::string&) { return std::nullopt; });
  };
  auto defaults = JwtOptionsFromConfig(*parse({}));
  REQUIRE(defaults.ok());
  CHECK(defaults->clock_skew == absl::Seconds(2));
  auto set = JwtOptionsFromConfig(*parse({"--jwt_clock_skew=0s"}));
  REQUIRE(set.ok());
  CHECK(set->clock_skew == absl::ZeroDuration());
  CHECK_FALSE(JwtOptionsFromConfig(*parse({"--jwt_clock_skew=1h"})).ok());
  CHECK_FALSE(JwtOptionsFromConfig(*parse({"--jwt_clock_skew=-1s"})).ok());
}

// A JWKS with the key of user tokens (k1) and WATIQA's own key (svc-w).
struct ServiceKeys : Fixture {
  testing::EcKeyPair service_key = testing::GenerateEcKeyPair();
  std::unique_ptr<JwtSigner> service_signer = *JwtSigner::FromPem(service_key.private_pem, "svc-w");

  ServiceKeys() {
    v1::JsonWebKeySet set;
    *set.add_keys() = *JwkFromPem(key.public_pem, "k1");
    v1::JsonWebKey own = *JwkFromPem(service_key.public_pem, "svc-w");
    own.set_zp_service("watiqa");
    *set.add_keys() = own;
    // The JWKS as a file would hold it, read back.
    const std::string json = JwksToJson(set);
    REQUIRE(json.find("\"zp_service\": \"watiqa\"") != std::string::npos);
    verifier = *JwtVerifier::FromJwks(json, JwtOptions(), clock);
  }
  static TokenClaims Service(const std::string& subject, std::vector<std::string> roles) {
    TokenClaims c;
    c.subject = subject;
    c.roles = std::move(roles);
    c.territories = {"MA"};
    c.lifetime = absl::Minutes(5);
    return c;
  }
};

TEST_CASE("jwt: a service identity verifies only under that service's own key", "[auth]") {
  ServiceKeys f;
  auto own = f.verifier->Verify(
      *f.service_signer->Sign(ServiceKeys::Service("service:watiqa", {"service"}), f.clock.Now()));
  INFO(own.status().ToString());
  REQUIRE(own.ok());
  CHECK(own->ServiceName() == "watiqa");
  // The key that signs user tokens cannot claim a service identity, however it is put.
  for (const TokenClaims& forged :
       {ServiceKeys::Service("service:watiqa", {"service"}),
        ServiceKeys::Service("agent-7", {"service"}),
        ServiceKeys::Service("service:watiqa", {"civil_officer"}),
        ServiceKeys::Service("service:watiqa", {"citizen", "service"})}) {
    CHECK(ReasonOfVerify(f, f.Token(forged)) == "TOKEN_INVALID");
  }
  // And a service's key signs nothing but that service's identity.
  TokenClaims citizen = ServiceKeys::Service("citizen-1", {"citizen"});
  citizen.idcs = "AB1234567";
  for (const TokenClaims& misused :
       {ServiceKeys::Service("service:chikaya", {"service"}), citizen,
        ServiceKeys::Service("service:watiqa", {"service", "civil_officer"}),
        ServiceKeys::Service("service:watiqa", {})}) {
    CHECK(ReasonOfVerify(f, *f.service_signer->Sign(misused, f.clock.Now())) == "TOKEN_INVALID");
  }
  // The user key still signs user tokens.
  CHECK(f.verifier->Verify(f.Token(f.Claims())).ok());
  CHECK(f.verifier->Verify(f.Token(f.Claims()))->ServiceName().empty());
}

TEST_CASE("jwt: a request grant covers that request and no other", "[auth]") {
  ServiceKeys f;
  google::protobuf::Struct request;  // any message will do; a Struct keeps the test self-contained
  (*request.mutable_fields())["act_id"].set_string_value("0190a8a0-0000-7000-8000-000000000001");
  (*request.mutable_fields())["order_reference"].set_string_value("WTQ-2026-00000001-K");
  TokenClaims claims = ServiceKeys::Service("service:watiqa", {"service"});
  claims.authorization_details.push_back(*RequestGrant("zp.x.v1.S.Issue", request));
  auto p = f.verifier->Verify(*f.service_signer->Sign(claims, f.clock.Now()));
  REQUIRE(p.ok());
  REQUIRE(p->authorization_details.size() == 1);
  CHECK(GrantsRequest(*p, "zp.x.v1.S.Issue", request));
  CHECK_FALSE(GrantsRequest(*p, "zp.x.v1.S.Revoke", request));
  google::protobuf::Struct other = request;
  (*other.mutable_fields())["order_reference"].set_string_value("hello");
  CHECK_FALSE(GrantsRequest(*p, "zp.x.v1.S.Issue", other));
  other = request;
  (*other.mutable_fields())["kind"].set_string_value("FULL_COPY");
  CHECK_FALSE(GrantsRequest(*p, "zp.x.v1.S.Issue", other));
  // authorization_details that is not a list of objects is refused.
  const std::string exp = std::to_string(absl::ToUnixSeconds(f.clock.Now()) + 60);
  CHECK(ReasonOfVerify(f, *f.service_signer->SignRaw(
                              R"({"sub":"service:watiqa","roles":["service"],)"
                              R"("iss":"https://auth.zeropapier.local","aud":"zeropapier",)"
                              R"("authorization_details":"all","exp":)" +
                                  exp + "}",
                              {{"kid", "svc-w"}})) == "TOKEN_INVALID");
}

TEST_CASE("jwt: a token used before nbf is refused", "[auth]") {
  Fixture f;
  std::string token = *f.signer->Sign(f.Claims(), f.clock.Now() + absl::Minutes(5));
  CHECK(ReasonOfVerify(f, token) == "TOKEN_INVALID");
}

TEST_CASE("jwt: a tampered payload is refused", "[auth]") {
  Fixture f;
  std::string token = f.Token(f.Claims());
  std::vector<std::string> parts = absl::StrSplit(token, '.');
  REQUIRE(parts.size() == 3);
  std::string payload;
  REQUIRE(absl::WebSafeBase64Unescape(parts[1], &payload));
  size_t pos = payload.find("01.511.01.01");
  REQUIRE(pos != std::string::npos);
  payload.replace(pos, 12, "MA\",\"x\":\"123");  // widen the scope to the whole country
  parts[1] = absl::WebSafeBase64Escape(payload);
  CHECK(ReasonOfVerify(f, parts[0] + "." + parts[1] + "." + parts[2]) == "TOKEN_INVALID");
  // A flipped signature byte.
  std::string sig = token;
  sig[sig.size() - 5] = sig[sig.size() - 5] == 'A' ? 'B' : 'A';
  CHECK(ReasonOfVerify(f, sig) == "TOKEN_INVALID");
}

TEST_CASE("jwt: alg=none and other algorithms are refused", "[auth]") {
  Fixture f;
  std::string token = f.Token(f.Claims());
  std::vector<std::string> parts = absl::StrSplit(token, '.');
  std::string none_header = absl::WebSafeBase64Escape(R"({"alg":"none","kid":"k1","typ":"JWT"})");
  CHECK(ReasonOfVerify(f, none_header + "." + parts[1] + ".") == "TOKEN_INVALID");
  CHECK(ReasonOfVerify(f, none_header + "." + parts[1] + "." + parts[2]) == "TOKEN_INVALID");
  std::string hs_header = absl::WebSafeBase64Escape(R"({"alg":"HS256","kid":"k1","typ":"JWT"})");
  CHECK(ReasonOfVerify(f, hs_header + "." + parts[1] + "." + parts[2]) == "TOKEN_INVALID");
  CHECK(ReasonOfVerify(f, "not.a.jwt") == "TOKEN_INVALID");
  CHECK(ReasonOfVerify(f, "") == "TOKEN_INVALID");
}

TEST_CASE("jwt: wrong audience or issuer is refused", "[auth]") {
  Fixture f;
  TokenClaims c = f.Claims();
  c.audience = "another-system";
  CHECK(ReasonOfVerify(f, f.Token(c)) == "TOKEN_INVALID");
  c = f.Claims();
  c.issuer = "https://evil.example";
  CHECK(ReasonOfVerify(f, f.Token(c)) == "TOKEN_INVALID");
  // aud as an array containing ours is accepted.
  std::string json =
      R"({"sub":"s","iss":"https://auth.zeropapier.local","aud":["x","zeropapier"],"exp":)" +
      std::to_string(absl::ToUnixSeconds(f.clock.Now()) + 60) + "}";
  CHECK(f.verifier->Verify(*f.signer->SignRaw(json, {{"kid", "k1"}})).ok());
  std::string no_exp = R"({"sub":"s","iss":"https://auth.zeropapier.local","aud":"zeropapier"})";
  CHECK(ReasonOfVerify(f, *f.signer->SignRaw(no_exp, {{"kid", "k1"}})) == "TOKEN_INVALID");
}

TEST_CASE("jwks: malformed sets and points off the curve are refused", "[auth]") {
  CHECK_FALSE(JwtVerifier::FromJwks("{", JwtOptions()).ok());
  CHECK_FALSE(JwtVerifier::FromJwks(R"({"keys":[]})", JwtOptions()).ok());
  v1::JsonWebKey bad;
  bad.set_kty("EC");
  bad.set_crv("P-256");
  bad.set_kid("bad");
  bad.set_x(absl::WebSafeBase64Escape(std::string(32, '\x01')));
  bad.set_y(absl::WebSafeBase64Escape(std::string(32, '\x02')));
  CHECK_FALSE(PemFromJwk(bad).ok());
  bad.set_kty("RSA");
  CHECK_FALSE(PemFromJwk(bad).ok());
}

TEST_CASE("principal: roles and territory scope", "[auth]") {
  auto ref = *territory::Referential::LoadEmbedded();
  Principal agent{"a", {"civil_agent"}, {"01.511"}, "", ""};
  CHECK(RequireRole(agent, {roles::kCivilAgent, roles::kCivilOfficer}).ok());
  absl::Status denied = RequireRole(agent, {roles::kGovernor});
  CHECK(denied.code() == absl::StatusCode::kPermissionDenied);
  CHECK(core::ReasonOf(denied) == "ROLE_REQUIRED");
  CHECK(CanAccessTerritory(agent, "01.511.01.01", *ref));
  CHECK(CanAccessTerritory(agent, "01.511", *ref));
  CHECK_FALSE(CanAccessTerritory(agent, "01", *ref));
  CHECK_FALSE(CanAccessTerritory(agent, "02.111.01.01", *ref));
  Principal dgct{"d", {"dgct"}, {"MA"}, "", ""};
  CHECK(CanAccessTerritory(dgct, "06.141.01.0", *ref));
  Principal nobody{"n", {"agent"}, {}, "", ""};
  CHECK_FALSE(CanAccessTerritory(nobody, "01", *ref));
}

}  // namespace
}  // namespace zp::auth

namespace zp::auth {
namespace {

std::string Array(std::vector<std::string> items) { return pg::TextArray(items); }

Principal WithTerritories(std::vector<std::string> territories) {
  Principal p;
  p.subject = "staff";
  p.roles = {"governor"};
  p.territories = std::move(territories);
  return p;
}

TEST_CASE("territory scope: the codes and what lies below them, as two SQL parameters", "[auth]") {
  const TerritoryScope within = TerritoryScope::Of(WithTerritories({"01.511", "06.141.01.0"}));
  CHECK_FALSE(within.national());
  CHECK(within.codes().value() == Array({"01.511", "06.141.01.0"}));
  CHECK(within.prefixes().value() == Array({"01.511.%", "06.141.01.0.%"}));
  // An authority's own staff: the codes only, nothing below.
  const TerritoryScope exact =
      TerritoryScope::Of(WithTerritories({"01.511.01.01"}), TerritoryScope::Depth::kExact);
  CHECK(exact.codes().value() == Array({"01.511.01.01"}));
  CHECK(exact.prefixes().value() == Array({}));
  // MA: national, NULL codes (every row); with kExact, MA is only the code MA.
  const TerritoryScope national = TerritoryScope::Of(WithTerritories({"01", "MA"}));
  CHECK(national.national());
  CHECK_FALSE(national.codes().value().has_value());
  CHECK_FALSE(national.prefixes().value().has_value());
  CHECK_FALSE(
      TerritoryScope::Of(WithTerritories({"MA"}), TerritoryScope::Depth::kExact).national());
  // No territory: a code that matches nothing, never NULL.
  const TerritoryScope nothing = TerritoryScope::Of(WithTerritories({}));
  CHECK(nothing.codes().value() == Array({""}));
  CHECK(TerritoryScope::Nothing().codes().value() == Array({""}));
  CHECK(TerritoryScope::Within("MA").national());
  CHECK(TerritoryScope::Within("01.511").prefixes().value() == Array({"01.511.%"}));
  // The same decision in memory.
  CHECK(within.Contains("01.511"));
  CHECK(within.Contains("01.511.01.01"));
  CHECK_FALSE(within.Contains("01.5110"));
  CHECK_FALSE(within.Contains("01"));
  CHECK(exact.Contains("01.511.01.01"));
  CHECK_FALSE(exact.Contains("01.511.01.01.1"));
  CHECK(national.Contains("06.141.01.0"));
  CHECK_FALSE(nothing.Contains(""));
  CHECK_FALSE(nothing.Contains("01"));
  // The condition every scoped query states.
  CHECK(std::string(ZP_IN_TERRITORY_SCOPE("territory", "$2", "$3")) ==
        "($2::text[] IS NULL OR territory = ANY($2::text[]) OR territory LIKE ANY($3::text[]))");
}

TEST_CASE("roles: any of a list", "[auth]") {
  const Principal p = WithTerritories({});
  CHECK(HasAnyRole(p, {roles::kDgct, roles::kGovernor}));
  CHECK_FALSE(HasAnyRole(p, {roles::kDgct, roles::kAuditor}));
  CHECK_FALSE(HasAnyRole(p, {}));
}

}  // namespace
}  // namespace zp::auth
