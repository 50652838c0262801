#include "zp/documents/signing.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "zp/auth/jwk.h"
#include "zp/core/files.h"
#include "zp/core/openssl.h"

namespace zp::documents {
namespace {

using core::BioPtr;
using core::MdCtxPtr;
using core::PkeyPtr;

PkeyPtr ReadPublicPem(const std::string& pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  return PkeyPtr(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
}

}  // namespace

struct Signer::Key {
  PkeyPtr pkey;
};

std::string Thumbprint(const zp::auth::v1::JsonWebKey& jwk) {
  // RFC 7638 section 3.2: the required members of an EC key, in lexicographic order, no spaces.
  const std::string members = absl::StrCat(R"({"crv":")", jwk.crv(), R"(","kty":")", jwk.kty(),
                                           R"(","x":")", jwk.x(), R"(","y":")", jwk.y(), R"("})");
  return absl::WebSafeBase64Escape(absl::HexStringToBytes(core::Sha256Hex(members)));
}

Signer::~Signer() = default;

absl::StatusOr<std::unique_ptr<Signer>> Signer::FromPem(const std::string& pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  PkeyPtr pkey(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (pkey == nullptr) return absl::InvalidArgumentError("document key: not a PEM private key");
  absl::StatusOr<zp::auth::v1::JsonWebKey> jwk = auth::JwkFromPem(pem, "");
  if (!jwk.ok())
    return absl::InvalidArgumentError(absl::StrCat("document key: ", jwk.status().message()));
  std::unique_ptr<Signer> signer(new Signer());
  signer->key_ = std::make_unique<Key>(Key{std::move(pkey)});
  signer->jwk_ = *std::move(jwk);
  signer->kid_ = Thumbprint(signer->jwk_);
  signer->jwk_.set_kid(signer->kid_);
  signer->jwk_.set_use("sig");
  signer->jwk_.set_alg("ES256");
  return signer;
}

absl::StatusOr<std::unique_ptr<Signer>> Signer::FromPemFile(const std::string& path) {
  absl::StatusOr<std::string> pem = core::ReadFile(path);
  if (!pem.ok()) return pem.status();
  return FromPem(*pem);
}

absl::StatusOr<std::string> Signer::Sign(absl::string_view content) const {
  MdCtxPtr ctx(EVP_MD_CTX_new());
  size_t length = 0;
  if (ctx == nullptr ||
      EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_->pkey.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &length,
                     reinterpret_cast<const unsigned char*>(content.data()), content.size()) != 1) {
    return absl::InternalError("document signature: cannot initialise ECDSA");
  }
  std::string der(length, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(der.data()), &length,
                     reinterpret_cast<const unsigned char*>(content.data()), content.size()) != 1) {
    return absl::InternalError("document signature: ECDSA failed");
  }
  der.resize(length);
  return absl::WebSafeBase64Escape(der);
}

absl::Status VerifySignature(const zp::auth::v1::JsonWebKey& jwk, absl::string_view content,
                             absl::string_view signature) {
  absl::StatusOr<std::string> pem = auth::PemFromJwk(jwk);
  if (!pem.ok()) return absl::InvalidArgumentError("unreadable public key");
  PkeyPtr key = ReadPublicPem(*pem);
  std::string der;
  if (key == nullptr) return absl::InvalidArgumentError("unreadable public key");
  if (!absl::WebSafeBase64Unescape(signature, &der) || der.empty()) {
    return absl::InvalidArgumentError("unreadable signature");
  }
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (ctx == nullptr ||
      EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1) {
    return absl::InternalError("cannot initialise ECDSA verification");
  }
  if (EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(der.data()), der.size(),
                       reinterpret_cast<const unsigned char*>(content.data()),
                       content.size()) != 1) {
    return absl::PermissionDeniedError("the signature does not match the content");
  }
  return absl::OkStatus();
}

}  // namespace zp::documents
