#pragma once

// Error messages in French and Arabic for the people who read them. The English `message` of a
// google.rpc.Status stays as the service wrote it (for developers and logs; stable reasons are
// in ErrorInfo); when Accept-Language prefers French or Arabic, the gateway adds a
// google.rpc.LocalizedMessage: the reason's message, else the code's, then the fields to
// correct. The catalog is gateway/messages.tsv and each service's services/<name>/messages.tsv,
// embedded in the gateway.

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/rpc/status.pb.h"
#include "zp/core/embedded_file.h"

namespace zp::gateway {

enum class Locale { kEnglish, kFrench, kArabic };

// The language an Accept-Language header prefers among those the catalog speaks (RFC 9110
// §12.5.4: the highest weight, the first listed on a tie, "fr-MA" is French, q=0 refuses):
// English when neither French nor Arabic is acceptable before it.
Locale PreferredLocale(absl::string_view accept_language);
// "en", "fr", "ar".
absl::string_view LocaleTag(Locale locale);

std::vector<core::EmbeddedFile> EmbeddedMessages();

class Messages {
 public:
  Messages() = default;
  // Tab-separated files: '#' comments, a "key fr ar" header, then one key per line.
  // INVALID_ARGUMENT naming the file and line of a malformed line, or of a key given twice with
  // different texts.
  static absl::StatusOr<Messages> Parse(const std::vector<core::EmbeddedFile>& files);
  static absl::StatusOr<Messages> Embedded();

  // Adds the LocalizedMessage of `locale` to `status` (nothing for English or an OK status).
  void Localize(google::rpc::Status& status, Locale locale) const;
  bool Has(absl::string_view key) const { return texts_.contains(key); }
  size_t size() const { return texts_.size(); }

 private:
  struct Texts {
    std::string fr, ar;
  };
  const std::string* Find(absl::string_view key, Locale locale) const;
  absl::flat_hash_map<std::string, Texts> texts_;
};

}  // namespace zp::gateway
