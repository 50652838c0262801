#include "gateway/src/messages.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "google/rpc/code.pb.h"
#include "google/rpc/error_details.pb.h"

namespace zp::gateway {

Locale PreferredLocale(absl::string_view accept_language) {
  Locale best = Locale::kEnglish;
  double best_q = 0;
  for (absl::string_view range : absl::StrSplit(accept_language, ',')) {
    std::vector<absl::string_view> parts = absl::StrSplit(range, ';');
    const std::string tag = absl::AsciiStrToLower(absl::StripAsciiWhitespace(parts[0]));
    double q = 1;
    for (size_t i = 1; i < parts.size(); ++i) {
      absl::string_view p = absl::StripAsciiWhitespace(parts[i]);
      if (absl::ConsumePrefix(&p, "q=") && !absl::SimpleAtod(p, &q)) q = 0;
    }
    const std::string primary = tag.substr(0, tag.find('-'));
    Locale locale;
    if (primary == "fr") {
      locale = Locale::kFrench;
    } else if (primary == "ar") {
      locale = Locale::kArabic;
    } else if (primary == "en" || primary == "*") {
      locale = Locale::kEnglish;
    } else {
      continue;
    }
    if (q > best_q) {
      best = locale;
      best_q = q;
    }
  }
  return best;
}

absl::string_view LocaleTag(Locale locale) {
  switch (locale) {
    case Locale::kFrench:
      return "fr";
    case Locale::kArabic:
      return "ar";
    case Locale::kEnglish:
      break;
  }
  return "en";
}

absl::StatusOr<Messages> Messages::Parse(const std::vector<core::EmbeddedFile>& files) {
  Messages out;
  for (const core::EmbeddedFile& file : files) {
    int number = 0;
    bool header = false;
    for (absl::string_view line : absl::StrSplit(file.content, '\n')) {
      ++number;
      if (line.empty() || line[0] == '#') continue;
      std::vector<std::string> cells = absl::StrSplit(line, '\t');
      auto bad = [&](absl::string_view why) {
        return absl::InvalidArgumentError(absl::StrCat(file.name, ":", number, ": ", why));
      };
      if (cells.size() != 3) return bad("not three tab-separated cells (key, fr, ar)");
      if (!header) {
        if (cells[0] != "key" || cells[1] != "fr" || cells[2] != "ar") {
          return bad("the header is not: key fr ar");
        }
        header = true;
        continue;
      }
      if (cells[0].empty() || cells[1].empty() || cells[2].empty()) return bad("an empty cell");
      Texts texts{std::move(cells[1]), std::move(cells[2])};
      auto [it, added] = out.texts_.try_emplace(cells[0], texts);
      if (!added && (it->second.fr != texts.fr || it->second.ar != texts.ar)) {
        return bad(absl::StrCat(cells[0], " is given twice with different texts"));
      }
    }
  }
  return out;
}

absl::StatusOr<Messages> Messages::Embedded() { return Parse(EmbeddedMessages()); }

const std::string* Messages::Find(absl::string_view key, Locale locale) const {
  auto it = texts_.find(key);
  if (it == texts_.end()) return nullptr;
  return locale == Locale::kArabic ? &it->second.ar : &it->second.fr;
}

void Messages::Localize(google::rpc::Status& status, Locale locale) const {
  if (locale == Locale::kEnglish || status.code() == google::rpc::OK) return;
  std::string reason;
  std::vector<std::string> fields;
  for (const google::protobuf::Any& detail : status.details()) {
    google::rpc::ErrorInfo info;
    google::rpc::BadRequest bad;
    if (detail.UnpackTo(&info)) {
      reason = info.reason();
    } else if (detail.UnpackTo(&bad)) {
      for (const auto& v : bad.field_violations()) {
        if (!v.field().empty()) fields.push_back(v.field());
      }
    }
  }
  const std::string* text =
      reason.empty() ? nullptr : Find(absl::StrCat("reason.", reason), locale);
  if (text == nullptr) {
    const std::string code =
        google::rpc::Code_IsValid(status.code())
            ? google::rpc::Code_Name(static_cast<google::rpc::Code>(status.code()))
            : "UNKNOWN";
    text = Find(absl::StrCat("code.", code), locale);
  }
  if (text == nullptr) return;
  std::string message = *text;
  if (const std::string* label = Find("fields", locale); label != nullptr && !fields.empty()) {
    const std::string list = absl::StrJoin(fields, locale == Locale::kArabic ? "، " : ", ");
    absl::StrAppend(&message, " ", absl::StrReplaceAll(*label, {{"{fields}", list}}));
  }
  google::rpc::LocalizedMessage localized;
  localized.set_locale(std::string(LocaleTag(locale)));
  localized.set_message(std::move(message));
  status.add_details()->PackFrom(localized);
}

}  // namespace zp::gateway
