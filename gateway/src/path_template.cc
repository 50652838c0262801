#include "gateway/src/path_template.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace zp::gateway {
namespace {

bool IsIdent(absl::string_view s) {
  if (s.empty()) {
    return false;
  }
  for (char c : s) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '_') {
      return false;
    }
  }
  return true;
}

absl::Status Bad(absl::string_view text, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("path template \"", text, "\": ", why));
}

}  // namespace

absl::StatusOr<PathTemplate> PathTemplate::Parse(absl::string_view text) {
  PathTemplate t;
  t.text_ = std::string(text);
  if (text.empty() || text[0] != '/') {
    return Bad(text, "must start with /");
  }
  absl::string_view rest = text.substr(1);
  // The verb is after the last ':' that is outside braces.
  int depth = 0;
  size_t verb_at = absl::string_view::npos;
  for (size_t i = 0; i < rest.size(); ++i) {
    if (rest[i] == '{') {
      ++depth;
    } else if (rest[i] == '}') {
      --depth;
    } else if (rest[i] == ':' && depth == 0) {
      verb_at = i;
    }
  }
  if (verb_at != absl::string_view::npos) {
    t.verb_ = std::string(rest.substr(verb_at + 1));
    rest = rest.substr(0, verb_at);
    if (t.verb_.empty()) {
      return Bad(text, "empty verb");
    }
  }
  // Split on '/' outside braces.
  std::vector<std::string> parts;
  std::string current;
  depth = 0;
  for (char c : rest) {
    if (c == '{') {
      ++depth;
    } else if (c == '}') {
      --depth;
    }
    if (c == '/' && depth == 0) {
      parts.push_back(current);
      current.clear();
    } else {
      current.push_back(c);
    }
  }
  parts.push_back(current);
  if (depth != 0) {
    return Bad(text, "unbalanced braces");
  }
  auto add_segment = [&](absl::string_view s) -> absl::Status {
    if (s.empty()) {
      return Bad(text, "empty segment");
    }
    if (s == "*") {
      t.segments_.push_back({Kind::kWildcard, ""});
    } else if (s == "**") {
      t.segments_.push_back({Kind::kDoubleWildcard, ""});
    } else {
      if (s.find_first_of("{}*=") != absl::string_view::npos) {
        return Bad(text, absl::StrCat("bad segment ", s));
      }
      t.segments_.push_back({Kind::kLiteral, std::string(s)});
    }
    return absl::OkStatus();
  };
  for (const std::string& part : parts) {
    if (!part.empty() && part.front() == '{') {
      if (part.back() != '}') {
        return Bad(text, absl::StrCat("bad variable ", part));
      }
      absl::string_view inner = absl::string_view(part).substr(1, part.size() - 2);
      std::string field = std::string(inner);
      std::string pattern = "*";
      if (size_t eq = inner.find('='); eq != absl::string_view::npos) {
        field = std::string(inner.substr(0, eq));
        pattern = std::string(inner.substr(eq + 1));
      }
      for (absl::string_view id : absl::StrSplit(field, '.')) {
        if (!IsIdent(id)) {
          return Bad(text, absl::StrCat("bad field path ", field));
        }
      }
      for (const auto& v : t.variables_) {
        if (v.field_path == field) {
          return Bad(text, absl::StrCat("variable ", field, " bound twice"));
        }
      }
      size_t begin = t.segments_.size();
      for (absl::string_view s : absl::StrSplit(pattern, '/')) {
        if (s.find('{') != absl::string_view::npos) {
          return Bad(text, "nested variables");
        }
        if (absl::Status st = add_segment(s); !st.ok()) {
          return st;
        }
      }
      t.variables_.push_back({field, begin, t.segments_.size()});
    } else if (absl::Status st = add_segment(part); !st.ok()) {
      return st;
    }
  }
  for (size_t i = 0; i + 1 < t.segments_.size(); ++i) {
    if (t.segments_[i].kind == Kind::kDoubleWildcard) {
      return Bad(text, "** must be the last segment");
    }
  }
  return t;
}

std::optional<PathTemplate::Bindings> PathTemplate::Match(const std::vector<std::string>& segments,
                                                          absl::string_view verb) const {
  if (verb != verb_) {
    return std::nullopt;
  }
  const bool open_ended = !segments_.empty() && segments_.back().kind == Kind::kDoubleWildcard;
  if (open_ended ? segments.size() < segments_.size() - 1 : segments.size() != segments_.size()) {
    return std::nullopt;
  }
  for (size_t i = 0; i < segments_.size(); ++i) {
    const Segment& s = segments_[i];
    if (s.kind == Kind::kDoubleWildcard) {
      break;
    }
    if (s.kind == Kind::kLiteral ? segments[i] != s.literal : segments[i].empty()) {
      return std::nullopt;
    }
  }
  Bindings bindings;
  for (const Variable& v : variables_) {
    size_t end = v.end;
    if (open_ended && end == segments_.size()) {
      end = segments.size();
    }
    std::vector<absl::string_view> parts;
    for (size_t i = v.begin; i < end; ++i) {
      parts.push_back(segments[i]);
    }
    bindings.emplace_back(v.field_path, absl::StrJoin(parts, "/"));
  }
  return bindings;
}

int PathTemplate::Specificity() const {
  int n = 0;
  for (const Segment& s : segments_) {
    n += s.kind == Kind::kLiteral ? 2 : (s.kind == Kind::kWildcard ? 1 : 0);
  }
  return n;
}

bool PathTemplate::SameShape(const PathTemplate& other) const {
  if (verb_ != other.verb_ || segments_.size() != other.segments_.size()) {
    return false;
  }
  for (size_t i = 0; i < segments_.size(); ++i) {
    if (segments_[i].kind != other.segments_[i].kind ||
        segments_[i].literal != other.segments_[i].literal) {
      return false;
    }
  }
  return true;
}

std::optional<std::string> PercentDecode(absl::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) {
        return std::nullopt;
      }
      auto hex = [](char h) -> int {
        if (h >= '0' && h <= '9') return h - '0';
        if (h >= 'a' && h <= 'f') return h - 'a' + 10;
        if (h >= 'A' && h <= 'F') return h - 'A' + 10;
        return -1;
      };
      int hi = hex(text[i + 1]);
      int lo = hex(text[i + 2]);
      if (hi < 0 || lo < 0) {
        return std::nullopt;
      }
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

SplitPath SplitRequestPath(absl::string_view path) {
  SplitPath out;
  if (path.empty() || path[0] != '/') {
    out.valid = false;
    return out;
  }
  std::vector<absl::string_view> raw = absl::StrSplit(path.substr(1), '/');
  std::string verb;
  absl::string_view last = raw.back();
  size_t colon = last.rfind(':');
  for (size_t i = 0; i < raw.size(); ++i) {
    std::optional<std::string> decoded = PercentDecode(raw[i], false);
    if (!decoded.has_value()) {
      out.valid = false;
      return out;
    }
    out.segments_no_verb.push_back(*decoded);
    if (i + 1 == raw.size() && colon != absl::string_view::npos) {
      std::optional<std::string> head = PercentDecode(raw[i].substr(0, colon), false);
      std::optional<std::string> tail = PercentDecode(raw[i].substr(colon + 1), false);
      if (!head.has_value() || !tail.has_value()) {
        out.valid = false;
        return out;
      }
      out.segments.push_back(*head);
      out.verb = *tail;
      out.has_verb = true;
    } else {
      out.segments.push_back(*decoded);
    }
  }
  return out;
}

}  // namespace zp::gateway
