#include "zp/core/files.h"

#include <openssl/evp.h>

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace zp::core {
namespace {

std::string HexDigest(const EVP_MD* md, absl::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest, &length, md, nullptr);
  std::string out;
  for (unsigned int i = 0; i < length; ++i) {
    absl::StrAppendFormat(&out, "%02x", digest[i]);
  }
  return out;
}

}  // namespace

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(absl::StrCat("cannot read ", path));
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string Sha256Hex(absl::string_view data) { return HexDigest(EVP_sha256(), data); }
std::string Sha1Hex(absl::string_view data) { return HexDigest(EVP_sha1(), data); }

}  // namespace zp::core
