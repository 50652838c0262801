#pragma once

// The comments written in the platform's protos, read from FileDescriptorSets built with source
// info (protos/CMakeLists.txt embeds one: zp::protos::ApiDescriptorSets), by the full name of
// what they describe: "zp.chikaya.v1.Complaints.Stats" (a method), "zp.chikaya.v1.StatsRequest"
// (a message), "zp.chikaya.v1.StatsRequest.breakdown" (a field), enums and their values alike.
// The OpenAPI document takes its summaries and descriptions from them.

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "zp/core/embedded_file.h"

namespace zp::protos {
std::vector<core::EmbeddedFile> ApiDescriptorSets();
}  // namespace zp::protos

namespace zp::gateway {

class ProtoComments {
 public:
  ProtoComments() = default;
  // From serialized FileDescriptorSets; INVALID_ARGUMENT when one does not parse.
  static absl::StatusOr<ProtoComments> Parse(const std::vector<absl::string_view>& sets);
  // The platform's own (the embedded set).
  static absl::StatusOr<ProtoComments> Embedded();

  // The comment of `full_name`: the one above it, else the one after it on its line; its lines
  // joined into paragraphs (a blank line separates two). "" when there is none.
  const std::string& Of(absl::string_view full_name) const;
  // Its first sentence (up to the first ". " or the end), for a summary.
  std::string SummaryOf(absl::string_view full_name) const;
  size_t size() const { return comments_.size(); }

 private:
  absl::flat_hash_map<std::string, std::string> comments_;
};

}  // namespace zp::gateway
