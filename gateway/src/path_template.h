#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace zp::gateway {

// A google.api.HttpRule path template:
//   Template = "/" Segments [ Verb ] ;  Segments = Segment { "/" Segment } ;
//   Segment  = "*" | "**" | LITERAL | Variable ;  Variable = "{" FieldPath [ "=" Segments ] "}" ;
//   Verb     = ":" LITERAL ;
// "{id}" is "{id=*}". "**" matches any number of segments and must be the last segment.
class PathTemplate {
 public:
  enum class Kind { kLiteral, kWildcard, kDoubleWildcard };
  struct Segment {
    Kind kind;
    std::string literal;
  };
  struct Variable {
    std::string field_path;  // e.g. "thing.name"
    size_t begin;            // first segment index
    size_t end;              // one past the last segment index
  };
  // (field path, value) pairs, values percent-decoded, multi-segment values joined with '/'.
  using Bindings = std::vector<std::pair<std::string, std::string>>;

  static absl::StatusOr<PathTemplate> Parse(absl::string_view text);

  // Matches already split, percent-decoded path segments (the verb, if any, removed by the
  // caller: see SplitPath).
  std::optional<Bindings> Match(const std::vector<std::string>& segments,
                                absl::string_view verb) const;

  const std::string& text() const { return text_; }
  const std::vector<Segment>& segments() const { return segments_; }
  const std::vector<Variable>& variables() const { return variables_; }
  const std::string& verb() const { return verb_; }
  // Literal segments count: a route with more literals is preferred when several match.
  int Specificity() const;
  // Same segments shape and verb (ignoring variable names): two routes that would always tie.
  bool SameShape(const PathTemplate& other) const;

 private:
  std::string text_;
  std::vector<Segment> segments_;
  std::vector<Variable> variables_;
  std::string verb_;
};

// Splits a request path ("/v1/things/a%2Fb:activate") into percent-decoded segments and a verb.
// The verb is the text after the last ':' of the last segment; `has_verb` tells whether there was
// one (a route without verb then matches the whole segment, colon included).
struct SplitPath {
  std::vector<std::string> segments;          // decoded, verb removed from the last one
  std::vector<std::string> segments_no_verb;  // decoded, last segment whole
  std::string verb;
  bool has_verb = false;
  bool valid = true;  // false for malformed percent-encoding or a path not starting with '/'
};
SplitPath SplitRequestPath(absl::string_view path);

// Percent-decodes `text`; nullopt when an escape is malformed.
std::optional<std::string> PercentDecode(absl::string_view text, bool plus_is_space);

}  // namespace zp::gateway
