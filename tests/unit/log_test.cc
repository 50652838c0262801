#include "zp/log/log.h"

#include <catch2/catch.hpp>

#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"

namespace zp::log {
namespace {

std::string Format(const std::string& text) {
  JsonFormatter formatter("sgec");
  spdlog::details::log_msg msg("test", spdlog::level::warn, text);
  spdlog::memory_buf_t buf;
  formatter.format(msg, buf);
  return std::string(buf.data(), buf.size());
}

google::protobuf::Struct Parse(const std::string& line) {
  google::protobuf::Struct s;
  REQUIRE(google::protobuf::util::JsonStringToMessage(line, &s).ok());
  return s;
}

TEST_CASE("log: one valid JSON object per line, with the call's ids", "[log]") {
  std::string line;
  {
    ScopedContext scope({"req-42", "4bf92f3577b34da6a3ce929d0e0e4736"});
    line = Format("registered act \"12/2026\"\n\tline two");
  }
  REQUIRE(line.back() == '\n');
  CHECK(std::count(line.begin(), line.end(), '\n') == 1);
  auto s = Parse(line);
  CHECK(s.fields().at("msg").string_value() == "registered act \"12/2026\"\n\tline two");
  CHECK(s.fields().at("level").string_value() == "warning");
  CHECK(s.fields().at("service").string_value() == "sgec");
  CHECK(s.fields().at("request_id").string_value() == "req-42");
  CHECK(s.fields().at("trace_id").string_value() == "4bf92f3577b34da6a3ce929d0e0e4736");
}

TEST_CASE("log: contexts nest and are restored", "[log]") {
  {
    ScopedContext outer({"outer", ""});
    {
      ScopedContext inner({"inner", ""});
      CHECK(CurrentContext().request_id == "inner");
    }
    CHECK(CurrentContext().request_id == "outer");
  }
  CHECK(CurrentContext().request_id.empty());
  auto s = Parse(Format("no context"));
  CHECK(s.fields().count("request_id") == 0);
}

TEST_CASE("log: trace id from W3C traceparent", "[log]") {
  CHECK(TraceIdFromTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01") ==
        "4bf92f3577b34da6a3ce929d0e0e4736");
  CHECK(TraceIdFromTraceparent("00-00000000000000000000000000000000-00f067aa0ba902b7-01").empty());
  CHECK(TraceIdFromTraceparent("garbage").empty());
  CHECK(TraceIdFromTraceparent("00-4bf92f3577b34da6a3ce929d0e0e473z-00f067aa0ba902b7-01").empty());
}

}  // namespace
}  // namespace zp::log
