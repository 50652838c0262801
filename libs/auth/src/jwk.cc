#include "zp/auth/jwk.h"

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>

#include <memory>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"
#include "zp/core/openssl.h"

namespace zp::auth {
namespace {

struct ParamBldDeleter {
  void operator()(OSSL_PARAM_BLD* b) const { OSSL_PARAM_BLD_free(b); }
};
struct ParamDeleter {
  void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); }
};
using core::BioPtr;
using core::PkeyCtxPtr;
using core::PkeyPtr;

constexpr size_t kCoordinateBytes = 32;  // P-256

}  // namespace

absl::StatusOr<zp::auth::v1::JsonWebKey> JwkFromPem(const std::string& pem,
                                                    const std::string& kid) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  PkeyPtr key(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
  if (key == nullptr) {
    bio.reset(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    key.reset(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  }
  if (key == nullptr) {
    return absl::InvalidArgumentError("not a PEM EC key");
  }
  char group[64] = {0};
  size_t group_len = 0;
  if (EVP_PKEY_get_utf8_string_param(key.get(), OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group),
                                     &group_len) != 1 ||
      std::string(group) != "prime256v1") {
    return absl::InvalidArgumentError("the key is not on curve P-256");
  }
  unsigned char point[1 + 2 * kCoordinateBytes];
  size_t point_len = 0;
  if (EVP_PKEY_get_octet_string_param(key.get(), OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, point,
                                      sizeof(point), &point_len) != 1 ||
      point_len != sizeof(point) || point[0] != 0x04) {
    // The encoded key may be compressed; ask for the uncompressed form.
    EVP_PKEY_set_utf8_string_param(key.get(), OSSL_PKEY_PARAM_EC_POINT_CONVERSION_FORMAT,
                                   "uncompressed");
    if (EVP_PKEY_get_octet_string_param(key.get(), OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, point,
                                        sizeof(point), &point_len) != 1 ||
        point_len != sizeof(point)) {
      return absl::InvalidArgumentError("cannot read the EC public point");
    }
  }
  zp::auth::v1::JsonWebKey jwk;
  jwk.set_kty("EC");
  jwk.set_crv("P-256");
  jwk.set_kid(kid);
  jwk.set_use("sig");
  jwk.set_alg("ES256");
  std::string x(reinterpret_cast<const char*>(point + 1), kCoordinateBytes);
  std::string y(reinterpret_cast<const char*>(point + 1 + kCoordinateBytes), kCoordinateBytes);
  jwk.set_x(absl::WebSafeBase64Escape(x));
  jwk.set_y(absl::WebSafeBase64Escape(y));
  return jwk;
}

absl::StatusOr<std::string> PemFromJwk(const zp::auth::v1::JsonWebKey& jwk) {
  if (jwk.kty() != "EC" || jwk.crv() != "P-256") {
    return absl::InvalidArgumentError(
        absl::StrCat("key ", jwk.kid(), ": only EC P-256 keys are accepted"));
  }
  std::string x;
  std::string y;
  if (!absl::WebSafeBase64Unescape(jwk.x(), &x) || !absl::WebSafeBase64Unescape(jwk.y(), &y) ||
      x.size() != kCoordinateBytes || y.size() != kCoordinateBytes) {
    return absl::InvalidArgumentError(absl::StrCat("key ", jwk.kid(), ": bad x or y"));
  }
  std::string point = absl::StrCat("\x04", x, y);
  std::unique_ptr<OSSL_PARAM_BLD, ParamBldDeleter> bld(OSSL_PARAM_BLD_new());
  OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0);
  OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size());
  std::unique_ptr<OSSL_PARAM, ParamDeleter> params(OSSL_PARAM_BLD_to_param(bld.get()));
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  EVP_PKEY* raw = nullptr;
  if (ctx == nullptr || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    return absl::InvalidArgumentError(absl::StrCat("key ", jwk.kid(), ": not a point on P-256"));
  }
  PkeyPtr key(raw);
  // Reject points that are not on the curve (EVP_PKEY_fromdata does not always check).
  PkeyCtxPtr check(EVP_PKEY_CTX_new(key.get(), nullptr));
  if (EVP_PKEY_public_check(check.get()) != 1) {
    return absl::InvalidArgumentError(absl::StrCat("key ", jwk.kid(), ": not a point on P-256"));
  }
  BioPtr out(BIO_new(BIO_s_mem()));
  if (PEM_write_bio_PUBKEY(out.get(), key.get()) != 1) {
    return absl::InternalError("cannot encode the public key");
  }
  char* data = nullptr;
  long len = BIO_get_mem_data(out.get(), &data);
  return std::string(data, static_cast<size_t>(len));
}

absl::StatusOr<zp::auth::v1::JsonWebKeySet> ParseJwks(absl::string_view json) {
  zp::auth::v1::JsonWebKeySet set;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;  // JWKS may carry fields we do not use (x5c, ...)
  auto status = google::protobuf::util::JsonStringToMessage(std::string(json), &set, options);
  if (!status.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("JWKS: ", status.message().as_string()));
  }
  return set;
}

std::string JwksToJson(const zp::auth::v1::JsonWebKeySet& set) {
  std::string out;
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  (void)google::protobuf::util::MessageToJsonString(set, &out, options);
  return out;
}

}  // namespace zp::auth
