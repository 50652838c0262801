#include "gateway/src/proto_comments.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/descriptor.pb.h"

namespace zp::gateway {
namespace {

using google::protobuf::DescriptorProto;
using google::protobuf::EnumDescriptorProto;
using google::protobuf::FileDescriptorProto;
using google::protobuf::RepeatedField;
using google::protobuf::SourceCodeInfo;

// Field numbers of descriptor.proto that source-info paths go through.
constexpr int kFileMessage = 4, kFileEnum = 5, kFileService = 6;
constexpr int kMessageField = 2, kMessageNested = 3, kMessageEnum = 4;
constexpr int kEnumValue = 2, kServiceMethod = 2;

// " line one\n line two\n\n next\n" -> "line one line two\n\nnext"
std::string Paragraphs(absl::string_view raw) {
  std::string out;
  bool blank = false;
  for (absl::string_view line : absl::StrSplit(raw, '\n')) {
    line = absl::StripAsciiWhitespace(line);
    if (line.empty()) {
      blank = !out.empty();
      continue;
    }
    if (!out.empty()) absl::StrAppend(&out, blank ? "\n\n" : " ");
    blank = false;
    absl::StrAppend(&out, line);
  }
  return out;
}

std::string Join(absl::string_view scope, absl::string_view name) {
  return scope.empty() ? std::string(name) : absl::StrCat(scope, ".", name);
}

// The full name a path designates within `file`, "" when it designates nothing named.
std::string NameOf(const FileDescriptorProto& file, const RepeatedField<int32_t>& path) {
  const int n = path.size();
  if (n < 2) return "";
  auto in_enum = [&](const EnumDescriptorProto& e, const std::string& scope, int at) {
    if (at == n) return Join(scope, e.name());
    // Enum values are named in the enum's parent scope in C++, but by the enum in docs.
    if (at + 2 == n && path[at] == kEnumValue && path[at + 1] < e.value_size()) {
      return Join(Join(scope, e.name()), e.value(path[at + 1]).name());
    }
    return std::string();
  };
  std::string scope = file.package();
  if (path[0] == kFileService && path[1] < file.service_size()) {
    const auto& s = file.service(path[1]);
    if (n == 2) return Join(scope, s.name());
    if (n == 4 && path[2] == kServiceMethod && path[3] < s.method_size()) {
      return Join(Join(scope, s.name()), s.method(path[3]).name());
    }
    return "";
  }
  if (path[0] == kFileEnum && path[1] < file.enum_type_size()) {
    return in_enum(file.enum_type(path[1]), scope, 2);
  }
  if (path[0] != kFileMessage || path[1] >= file.message_type_size()) return "";
  const DescriptorProto* m = &file.message_type(path[1]);
  int at = 2;
  while (true) {
    scope = Join(scope, m->name());
    if (at == n) return scope;
    if (at + 2 > n) return "";
    const int kind = path[at], index = path[at + 1];
    if (kind == kMessageField && index < m->field_size() && at + 2 == n) {
      return Join(scope, m->field(index).name());
    }
    if (kind == kMessageEnum && index < m->enum_type_size()) {
      return in_enum(m->enum_type(index), scope, at + 2);
    }
    if (kind != kMessageNested || index >= m->nested_type_size()) return "";
    m = &m->nested_type(index);
    at += 2;
  }
}

}  // namespace

absl::StatusOr<ProtoComments> ProtoComments::Parse(const std::vector<absl::string_view>& sets) {
  ProtoComments out;
  for (absl::string_view bytes : sets) {
    google::protobuf::FileDescriptorSet set;
    if (!set.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
      return absl::InvalidArgumentError("a descriptor set does not parse");
    }
    for (const FileDescriptorProto& file : set.file()) {
      for (const SourceCodeInfo::Location& l : file.source_code_info().location()) {
        const std::string& raw =
            !l.leading_comments().empty() ? l.leading_comments() : l.trailing_comments();
        if (raw.empty()) continue;
        std::string name = NameOf(file, l.path());
        if (!name.empty()) out.comments_[std::move(name)] = Paragraphs(raw);
      }
    }
  }
  return out;
}

absl::StatusOr<ProtoComments> ProtoComments::Embedded() {
  std::vector<absl::string_view> sets;
  for (const core::EmbeddedFile& f : protos::ApiDescriptorSets()) sets.push_back(f.content);
  return Parse(sets);
}

const std::string& ProtoComments::Of(absl::string_view full_name) const {
  static const std::string kNone;
  auto it = comments_.find(full_name);
  return it == comments_.end() ? kNone : it->second;
}

std::string ProtoComments::SummaryOf(absl::string_view full_name) const {
  const std::string& all = Of(full_name);
  const size_t end = all.find_first_of("\n");
  absl::string_view first = absl::string_view(all).substr(0, end);
  if (size_t dot = first.find(". "); dot != absl::string_view::npos)
    first = first.substr(0, dot + 1);
  return std::string(first);
}

}  // namespace zp::gateway
