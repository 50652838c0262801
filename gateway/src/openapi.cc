#include "gateway/src/openapi.h"

#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"

namespace zp::gateway {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::ListValue;
using google::protobuf::Struct;
using google::protobuf::Value;

Value Str(absl::string_view s) {
  Value v;
  v.set_string_value(std::string(s));
  return v;
}

Value Obj(std::initializer_list<std::pair<const char*, Value>> fields) {
  Value v;
  auto* m = v.mutable_struct_value()->mutable_fields();
  for (const auto& [k, val] : fields) {
    (*m)[k] = val;
  }
  return v;
}

Value& Field(Value& v, const std::string& key) {
  return (*v.mutable_struct_value()->mutable_fields())[key];
}

Value Ref(const Descriptor* d) {
  return Obj({{"$ref", Str(absl::StrCat("#/components/schemas/", d->full_name()))}});
}

// `schema` with a description: beside a $ref, which may have no siblings, through allOf.
Value Described(Value schema, const std::string& description) {
  if (description.empty()) return schema;
  const auto& fields = schema.struct_value().fields();
  if (fields.contains("$ref")) {
    Value wrapped;
    *Field(wrapped, "allOf").mutable_list_value()->add_values() = std::move(schema);
    Field(wrapped, "description") = Str(description);
    return wrapped;
  }
  Field(schema, "description") = Str(description);
  return schema;
}

class SchemaBuilder {
 public:
  explicit SchemaBuilder(const ProtoComments& comments) : comments_(comments) {}

  // A field's schema with its comment (and those of its enum's values).
  Value Documented(const FieldDescriptor* f) {
    std::string description = comments_.Of(f->full_name());
    if (const auto* e = f->enum_type(); e != nullptr) {
      for (int i = 0; i < e->value_count(); ++i) {
        const std::string& says =
            comments_.Of(absl::StrCat(e->full_name(), ".", e->value(i)->name()));
        if (says.empty()) continue;
        absl::StrAppend(&description, description.empty() ? "" : "\n\n", "`", e->value(i)->name(),
                        "`: ", says);
      }
    }
    return Described(ForField(f), description);
  }

  Value ForField(const FieldDescriptor* f) {
    Value item = ForSingle(f);
    if (f->is_map()) {
      return Obj({{"type", Str("object")},
                  {"additionalProperties", ForSingle(f->message_type()->map_value())}});
    }
    if (f->is_repeated()) {
      return Obj({{"type", Str("array")}, {"items", item}});
    }
    return item;
  }

  Value ForMessage(const Descriptor* d) {
    const std::string name = d->full_name();
    if (name == "google.protobuf.Timestamp") {
      return Obj({{"type", Str("string")}, {"format", Str("date-time")}});
    }
    if (name == "google.protobuf.Duration" || name == "google.protobuf.FieldMask") {
      return Obj({{"type", Str("string")}});
    }
    if (name == "google.protobuf.Struct") {
      return Obj({{"type", Str("object")}});
    }
    if (name == "google.protobuf.Value" || name == "google.protobuf.Any") {
      return Obj({});
    }
    if (d->file()->name() == "google/protobuf/wrappers.proto") {
      return ForSingle(d->FindFieldByName("value"));
    }
    if (!done_.contains(name)) {
      done_.insert(name);
      Value schema = Obj({{"type", Str("object")}});
      if (const std::string& says = comments_.Of(name); !says.empty()) {
        Field(schema, "description") = Str(says);
      }
      Value& props = Field(schema, "properties");
      props.mutable_struct_value();
      for (int i = 0; i < d->field_count(); ++i) {
        const FieldDescriptor* f = d->field(i);
        Field(props, f->json_name()) = Documented(f);
      }
      schemas_[name] = schema;
    }
    return Ref(d);
  }

  const std::map<std::string, Value>& schemas() const { return schemas_; }
  const ProtoComments& comments() const { return comments_; }

 private:
  Value ForSingle(const FieldDescriptor* f) {
    switch (f->type()) {
      case FieldDescriptor::TYPE_INT32:
      case FieldDescriptor::TYPE_SINT32:
      case FieldDescriptor::TYPE_SFIXED32:
        return Obj({{"type", Str("integer")}, {"format", Str("int32")}});
      case FieldDescriptor::TYPE_UINT32:
      case FieldDescriptor::TYPE_FIXED32:
        return Obj({{"type", Str("integer")}, {"format", Str("int64")}});
      case FieldDescriptor::TYPE_INT64:
      case FieldDescriptor::TYPE_SINT64:
      case FieldDescriptor::TYPE_SFIXED64:
      case FieldDescriptor::TYPE_UINT64:
      case FieldDescriptor::TYPE_FIXED64:
        // proto3 JSON: 64-bit integers travel as decimal strings.
        return Obj({{"type", Str("string")}, {"format", Str("int64")}});
      case FieldDescriptor::TYPE_DOUBLE:
      case FieldDescriptor::TYPE_FLOAT:
        return Obj({{"type", Str("number")}});
      case FieldDescriptor::TYPE_BOOL:
        return Obj({{"type", Str("boolean")}});
      case FieldDescriptor::TYPE_STRING:
        return Obj({{"type", Str("string")}});
      case FieldDescriptor::TYPE_BYTES:
        return Obj({{"type", Str("string")}, {"format", Str("byte")}});
      case FieldDescriptor::TYPE_ENUM: {
        Value values;
        for (int i = 0; i < f->enum_type()->value_count(); ++i) {
          values.mutable_list_value()->add_values()->set_string_value(
              f->enum_type()->value(i)->name());
        }
        return Obj({{"type", Str("string")}, {"enum", values}});
      }
      case FieldDescriptor::TYPE_MESSAGE:
      case FieldDescriptor::TYPE_GROUP:
        return ForMessage(f->message_type());
    }
    return Obj({});
  }

  const ProtoComments& comments_;
  std::set<std::string> done_;
  std::map<std::string, Value> schemas_;
};

// "/v1/{name=things/*}:activate" -> "/v1/{name}:activate"
std::string OpenApiPath(const PathTemplate& t) {
  std::string out;
  size_t i = 0;
  while (i < t.segments().size()) {
    const PathTemplate::Variable* var = nullptr;
    for (const auto& v : t.variables()) {
      if (v.begin == i) {
        var = &v;
      }
    }
    if (var != nullptr) {
      absl::StrAppend(&out, "/{", var->field_path, "}");
      i = std::max(var->end, i + 1);
      continue;
    }
    const auto& s = t.segments()[i];
    absl::StrAppend(&out, "/", s.kind == PathTemplate::Kind::kLiteral ? s.literal : "*");
    ++i;
  }
  if (!t.verb().empty()) {
    absl::StrAppend(&out, ":", t.verb());
  }
  return out;
}

void AddQueryParameters(SchemaBuilder& schemas, const Descriptor* d, const std::string& prefix,
                        const std::set<std::string>& bound, Value& parameters, int depth) {
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* f = d->field(i);
    const std::string name = prefix + f->name();
    if (bound.contains(name) || f->is_map()) {
      continue;
    }
    if (f->message_type() != nullptr && !f->is_repeated() && depth < 3 &&
        f->message_type()->file()->package() != "google.protobuf") {
      AddQueryParameters(schemas, f->message_type(), name + ".", bound, parameters, depth + 1);
      continue;
    }
    if (f->message_type() != nullptr && f->message_type()->file()->package() != "google.protobuf") {
      continue;
    }
    Value parameter =
        Obj({{"name", Str(name)}, {"in", Str("query")}, {"schema", schemas.ForField(f)}});
    if (const std::string& says = schemas.comments().Of(f->full_name()); !says.empty()) {
      Field(parameter, "description") = Str(says);
    }
    *parameters.mutable_list_value()->add_values() = std::move(parameter);
  }
}

}  // namespace

std::string OpenApiDocument(const RouteTable& routes, const ProtoComments& comments) {
  SchemaBuilder schemas(comments);
  Value doc = Obj(
      {{"openapi", Str("3.0.3")},
       {"info",
        Obj({{"title", Str("zeropapier API")},
             {"version", Str("v1")},
             {"description", Str("HTTPS/JSON API of the zeropapier services. Success is 200 "
                                 "with the response message; errors are google.rpc.Status.")}})}});
  Value& paths = Field(doc, "paths");
  paths.mutable_struct_value();
  std::map<std::string, int> operation_ids;
  for (const Route& route : routes.routes()) {
    Value op;
    std::string id = absl::StrCat(route.method->service()->name(), "_", route.method->name());
    if (int n = operation_ids[id]++; n > 0) {
      absl::StrAppend(&id, "_", n + 1);
    }
    Field(op, "operationId") = Str(id);
    if (std::string summary = comments.SummaryOf(route.method->full_name()); !summary.empty()) {
      const std::string& description = comments.Of(route.method->full_name());
      if (description != summary) Field(op, "description") = Str(description);
      Field(op, "summary") = Str(summary);
    }
    Field(op, "tags")
        .mutable_list_value()
        ->add_values()
        ->set_string_value(route.method->service()->full_name());
    Value& parameters = Field(op, "parameters");
    parameters.mutable_list_value();
    std::set<std::string> bound;
    for (const auto& v : route.path.variables()) {
      bound.insert(v.field_path);
      const FieldDescriptor* f = FindFieldPath(route.method->input_type(), v.field_path);
      *parameters.mutable_list_value()->add_values() = Obj({{"name", Str(v.field_path)},
                                                            {"in", Str("path")},
                                                            {"required", Value()},
                                                            {"schema", schemas.ForField(f)}});
      Field(*parameters.mutable_list_value()->mutable_values()->rbegin(), "required")
          .set_bool_value(true);
    }
    if (route.body != "*") {
      if (!route.body.empty()) {
        bound.insert(route.body);
      }
      AddQueryParameters(schemas, route.method->input_type(), "", bound, parameters, 0);
    }
    if (!route.body.empty()) {
      Value schema = route.body == "*"
                         ? schemas.ForMessage(route.method->input_type())
                         : schemas.ForField(FindFieldPath(route.method->input_type(), route.body));
      Field(op, "requestBody") =
          Obj({{"required", Value()},
               {"content", Obj({{"application/json", Obj({{"schema", schema}})}})}});
      Field(Field(op, "requestBody"), "required").set_bool_value(true);
    }
    Value ok_schema =
        route.response_body.empty()
            ? schemas.ForMessage(route.method->output_type())
            : schemas.ForField(FindFieldPath(route.method->output_type(), route.response_body));
    std::string media = route.server_streaming ? "application/x-ndjson" : "application/json";
    Field(op, "responses") =
        Obj({{"200", Obj({{"description", Str(route.server_streaming ? "one JSON message per line"
                                                                     : "the response message")},
                          {"content", Obj({{media.c_str(), Obj({{"schema", ok_schema}})}})}})},
             {"default",
              Obj({{"description", Str("an error, as google.rpc.Status")},
                   {"content",
                    Obj({{"application/json",
                          Obj({{"schema",
                                Obj({{"$ref",
                                      Str("#/components/schemas/google.rpc.Status")}})}})}})}})}});
    Value& security = Field(op, "security");
    security.mutable_list_value();
    if (!route.is_public) {
      *security.mutable_list_value()->add_values() = Obj({{"bearer", Value()}});
      Field(*security.mutable_list_value()->mutable_values()->rbegin(), "bearer")
          .mutable_list_value();
    }
    std::string method = route.http_method;
    for (char& c : method) {
      c = static_cast<char>(std::tolower(c));
    }
    Field(Field(paths, OpenApiPath(route.path)), method) = op;
  }
  Value status_schema =
      Obj({{"type", Str("object")},
           {"properties", Obj({{"code", Obj({{"type", Str("integer")}, {"format", Str("int32")}})},
                               {"message", Str("")},
                               {"details", Obj({{"type", Str("array")},
                                                {"items", Obj({{"type", Str("object")}})}})}})}});
  Field(Field(status_schema, "properties"), "message") = Obj({{"type", Str("string")}});
  Value components =
      Obj({{"securitySchemes", Obj({{"bearer", Obj({{"type", Str("http")},
                                                    {"scheme", Str("bearer")},
                                                    {"bearerFormat", Str("JWT")}})}})}});
  Value& all = Field(components, "schemas");
  all.mutable_struct_value();
  for (const auto& [name, schema] : schemas.schemas()) {
    Field(all, name) = schema;
  }
  Field(all, "google.rpc.Status") = status_schema;
  Field(doc, "components") = components;
  std::string out;
  (void)google::protobuf::util::MessageToJsonString(doc, &out);
  return out;
}

}  // namespace zp::gateway
