#include "gateway/src/transcoder.h"

#include <set>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "zp/core/status.h"

namespace zp::gateway {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

const FieldDescriptor* FindField(const Descriptor* d, absl::string_view name) {
  const FieldDescriptor* f = d->FindFieldByName(std::string(name));
  for (int i = 0; f == nullptr && i < d->field_count(); ++i) {
    if (d->field(i)->json_name() == name) {
      f = d->field(i);
    }
  }
  return f;
}

// The message that holds the last part of `path`, created on the way; sets *field.
absl::StatusOr<Message*> MutableParent(Message& root, absl::string_view path,
                                       const FieldDescriptor** field) {
  Message* current = &root;
  std::vector<absl::string_view> parts = absl::StrSplit(path, '.');
  for (size_t i = 0; i < parts.size(); ++i) {
    const FieldDescriptor* f = FindField(current->GetDescriptor(), parts[i]);
    if (f == nullptr) {
      return core::InvalidArgumentError(path, "no such field");
    }
    if (i + 1 == parts.size()) {
      *field = f;
      return current;
    }
    if (f->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE || f->is_repeated()) {
      return core::InvalidArgumentError(path, "is not a nested message field");
    }
    current = current->GetReflection()->MutableMessage(current, f);
  }
  return core::InvalidArgumentError(path, "no such field");
}

// Keeps `text` valid UTF-8 (replacing broken sequences with '?') so that it can travel in a
// proto string field; parser messages quote the client's bytes, which may be anything.
std::string ValidUtf8(absl::string_view text) {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    size_t len = c < 0x80           ? 1
                 : (c >> 5) == 0x6  ? 2
                 : (c >> 4) == 0xe  ? 3
                 : (c >> 3) == 0x1e ? 4
                                    : 0;
    bool ok = len > 0 && i + len <= text.size();
    for (size_t k = 1; ok && k < len; ++k) {
      ok = (static_cast<unsigned char>(text[i + k]) >> 6) == 0x2;
    }
    if (ok) {
      out.append(text.data() + i, len);
      i += len;
    } else {
      out.push_back('?');
      ++i;
    }
  }
  return out;
}

// The field a json_util error names: "mesage: Cannot find field." or "(a.b): invalid value".
std::string FieldNamedBy(absl::string_view message, absl::string_view fallback) {
  constexpr absl::string_view kUnknown = ": Cannot find field";
  if (size_t at = message.find(kUnknown); at != absl::string_view::npos) {
    return ValidUtf8(message.substr(0, at));
  }
  if (!message.empty() && message[0] == '(') {
    size_t close = message.find(')');
    if (close != absl::string_view::npos && close > 1) {
      return ValidUtf8(message.substr(1, close - 1));
    }
  }
  return std::string(fallback);
}

absl::Status ParseJsonInto(absl::string_view json, Message& message, absl::string_view field,
                           const TranscodeOptions& options) {
  google::protobuf::util::JsonParseOptions parse;
  parse.ignore_unknown_fields = options.ignore_unknown_fields;
  auto status = google::protobuf::util::JsonStringToMessage(std::string(json), &message, parse);
  if (!status.ok()) {
    std::string text = status.message().as_string();
    std::string first_line = ValidUtf8(text.substr(0, text.find('\n')));
    return core::InvalidArgumentError(FieldNamedBy(text, field), first_line);
  }
  return absl::OkStatus();
}

std::string JsonString(absl::string_view text) {
  google::protobuf::Value v;
  v.set_string_value(std::string(text));
  std::string out;
  (void)google::protobuf::util::MessageToJsonString(v, &out);
  return out;
}

}  // namespace

absl::Status SetFieldFromText(Message& message, absl::string_view path, absl::string_view value) {
  const FieldDescriptor* f = nullptr;
  ASSIGN_OR_RETURN(Message * parent, MutableParent(message, path, &f));
  const Reflection* r = parent->GetReflection();
  const bool repeated = f->is_repeated();
  auto bad = [&](absl::string_view what) {
    return core::InvalidArgumentError(path, absl::StrCat("\"", value, "\" is not ", what));
  };
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING: {
      std::string v(value);
      if (f->type() == FieldDescriptor::TYPE_BYTES) {
        if (!absl::Base64Unescape(value, &v) && !absl::WebSafeBase64Unescape(value, &v)) {
          return bad("base64");
        }
      }
      repeated ? r->AddString(parent, f, v) : r->SetString(parent, f, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_INT32: {
      int32_t v;
      if (!absl::SimpleAtoi(value, &v)) return bad("a 32-bit integer");
      repeated ? r->AddInt32(parent, f, v) : r->SetInt32(parent, f, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_INT64: {
      int64_t v;
      if (!absl::SimpleAtoi(value, &v)) return bad("a 64-bit integer");
      repeated ? r->AddInt64(parent, f, v) : r->SetInt64(parent, f, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_UINT32: {
      uint32_t v;
      if (!absl::SimpleAtoi(value, &v)) return bad("an unsigned 32-bit integer");
      repeated ? r->AddUInt32(parent, f, v) : r->SetUInt32(parent, f, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_UINT64: {
      uint64_t v;
      if (!absl::SimpleAtoi(value, &v)) return bad("an unsigned 64-bit integer");
      repeated ? r->AddUInt64(parent, f, v) : r->SetUInt64(parent, f, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_DOUBLE:
    case FieldDescriptor::CPPTYPE_FLOAT: {
      double v;
      if (!absl::SimpleAtod(value, &v)) return bad("a number");
      if (f->cpp_type() == FieldDescriptor::CPPTYPE_DOUBLE) {
        repeated ? r->AddDouble(parent, f, v) : r->SetDouble(parent, f, v);
      } else {
        repeated ? r->AddFloat(parent, f, static_cast<float>(v))
                 : r->SetFloat(parent, f, static_cast<float>(v));
      }
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_BOOL: {
      bool v;
      if (value == "true" || value == "1") {
        v = true;
      } else if (value == "false" || value == "0") {
        v = false;
      } else {
        return bad("true or false");
      }
      repeated ? r->AddBool(parent, f, v) : r->SetBool(parent, f, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_ENUM: {
      const auto* e = f->enum_type()->FindValueByName(std::string(value));
      int number;
      if (e == nullptr && absl::SimpleAtoi(value, &number)) {
        e = f->enum_type()->FindValueByNumber(number);
      }
      if (e == nullptr) return bad(absl::StrCat("a value of ", f->enum_type()->name()));
      repeated ? r->AddEnum(parent, f, e) : r->SetEnum(parent, f, e);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_MESSAGE: {
      // Well-known types with a scalar JSON form (Timestamp, Duration, wrappers, FieldMask).
      Message* target = repeated ? r->AddMessage(parent, f) : r->MutableMessage(parent, f);
      return ParseJsonInto(JsonString(value), *target, path, TranscodeOptions());
    }
  }
  return bad("supported");
}

absl::StatusOr<std::unique_ptr<Message>> BuildRequest(const Route& route,
                                                      const PathTemplate::Bindings& bindings,
                                                      absl::string_view query,
                                                      absl::string_view body,
                                                      const TranscodeOptions& options) {
  const Message* prototype = google::protobuf::MessageFactory::generated_factory()->GetPrototype(
      route.method->input_type());
  std::unique_ptr<Message> request(prototype->New());
  if (!route.body.empty()) {
    bool empty = body.find_first_not_of(" \t\r\n") == absl::string_view::npos;
    if (!empty) {
      if (route.body == "*") {
        RETURN_IF_ERROR(ParseJsonInto(body, *request, "body", options));
      } else {
        const FieldDescriptor* f = nullptr;
        ASSIGN_OR_RETURN(Message * parent, MutableParent(*request, route.body, &f));
        std::unique_ptr<Message> holder(parent->New());
        RETURN_IF_ERROR(ParseJsonInto(absl::StrCat("{", JsonString(f->json_name()), ":", body, "}"),
                                      *holder, route.body, options));
        parent->MergeFrom(*holder);
      }
    }
  } else if (body.find_first_not_of(" \t\r\n") != absl::string_view::npos) {
    return core::InvalidArgumentError("body", "this method takes no request body");
  }
  std::set<std::string> bound;
  for (const auto& [path, value] : bindings) {
    const FieldDescriptor* f = nullptr;
    ASSIGN_OR_RETURN(Message * parent, MutableParent(*request, path, &f));
    parent->GetReflection()->ClearField(parent, f);
    RETURN_IF_ERROR(SetFieldFromText(*request, path, value));
    bound.insert(path);
  }
  if (!query.empty()) {
    for (absl::string_view pair : absl::StrSplit(query, '&', absl::SkipEmpty())) {
      size_t eq = pair.find('=');
      std::optional<std::string> key = PercentDecode(pair.substr(0, eq), /*plus_is_space=*/true);
      std::optional<std::string> value = PercentDecode(
          eq == absl::string_view::npos ? "" : pair.substr(eq + 1), /*plus_is_space=*/true);
      if (!key.has_value() || !value.has_value()) {
        return core::InvalidArgumentError("query", "malformed percent-encoding");
      }
      if (bound.contains(*key)) {
        return core::InvalidArgumentError(*key, "is already bound by the path");
      }
      const FieldDescriptor* f = nullptr;
      absl::StatusOr<Message*> parent = MutableParent(*request, *key, &f);
      if (!parent.ok()) {
        if (options.ignore_unknown_fields) {
          continue;
        }
        return core::InvalidArgumentError(*key, "unknown query parameter");
      }
      if (route.body == "*" || *key == route.body || absl::StartsWith(*key, route.body + ".")) {
        return core::InvalidArgumentError(*key, "this field comes from the request body");
      }
      RETURN_IF_ERROR(SetFieldFromText(*request, *key, *value));
    }
  }
  return request;
}

absl::Status ApplyIdempotencyKey(Message& request, absl::string_view key) {
  const FieldDescriptor* f = request.GetDescriptor()->FindFieldByName("request_id");
  if (f == nullptr || f->type() != FieldDescriptor::TYPE_STRING || f->is_repeated()) {
    return absl::OkStatus();
  }
  const Reflection* r = request.GetReflection();
  std::string existing = r->GetString(request, f);
  if (!existing.empty() && existing != key) {
    return core::InvalidArgumentError("request_id",
                                      "differs from the Idempotency-Key header; send one of them");
  }
  r->SetString(&request, f, std::string(key));
  return absl::OkStatus();
}

absl::StatusOr<std::string> ResponseToJson(const Route& route, const Message& response) {
  google::protobuf::util::JsonPrintOptions print;
  print.always_print_primitive_fields = true;
  std::string out;
  if (route.response_body.empty()) {
    auto status = google::protobuf::util::MessageToJsonString(response, &out, print);
    if (!status.ok()) {
      return absl::InternalError(status.message().as_string());
    }
    return out;
  }
  const FieldDescriptor* f = FindFieldPath(response.GetDescriptor(), route.response_body);
  const Message* holder = &response;
  std::vector<absl::string_view> parts = absl::StrSplit(route.response_body, '.');
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    const FieldDescriptor* step = holder->GetDescriptor()->FindFieldByName(std::string(parts[i]));
    holder = &holder->GetReflection()->GetMessage(*holder, step);
  }
  if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE && !f->is_repeated()) {
    auto status = google::protobuf::util::MessageToJsonString(
        holder->GetReflection()->GetMessage(*holder, f), &out, print);
    if (!status.ok()) {
      return absl::InternalError(status.message().as_string());
    }
    return out;
  }
  // A repeated or scalar field: print its holder and take the field's value out of the JSON.
  std::string whole;
  (void)google::protobuf::util::MessageToJsonString(*holder, &whole, print);
  google::protobuf::Struct parsed;
  (void)google::protobuf::util::JsonStringToMessage(whole, &parsed);
  auto it = parsed.fields().find(f->json_name());
  google::protobuf::Value value;
  if (it != parsed.fields().end()) {
    value = it->second;
  } else if (f->is_repeated()) {
    value.mutable_list_value();
  }
  (void)google::protobuf::util::MessageToJsonString(value, &out);
  return out;
}

std::string StatusToJson(const google::rpc::Status& status) {
  google::protobuf::util::JsonPrintOptions print;
  print.always_print_primitive_fields = true;
  std::string out;
  auto printed = google::protobuf::util::MessageToJsonString(status, &out, print);
  if (!printed.ok()) {
    // A detail of a type this gateway does not know: keep code and message.
    google::rpc::Status bare;
    bare.set_code(status.code());
    bare.set_message(status.message());
    out.clear();
    (void)google::protobuf::util::MessageToJsonString(bare, &out, print);
  }
  return out;
}

}  // namespace zp::gateway
