#include "services/chikaya/src/complaint_store.h"

#include "absl/algorithm/container.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "zp/names/names.h"

namespace zp::chikaya {

std::vector<std::string> ComplaintWords(const v1::Complaint& complaint) {
  return names::TextWords(absl::StrCat(complaint.subject(), "\n", complaint.description()));
}

bool MatchesWords(const std::vector<std::string>& words, const std::vector<std::string>& query) {
  return absl::c_all_of(query, [&](const std::string& q) {
    return absl::c_any_of(words, [&](const std::string& w) { return absl::StartsWith(w, q); });
  });
}

}  // namespace zp::chikaya
