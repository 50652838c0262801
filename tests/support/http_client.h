#pragma once

#include <map>
#include <string>

namespace zp::testing {

struct HttpResult {
  int status = 0;                              // 0: no response (connection closed or refused)
  std::map<std::string, std::string> headers;  // lowercase names
  std::string body;
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

// A small blocking HTTP/1.1 client (Boost.Beast) for end-to-end tests; HTTPS when `tls` is set
// (the server certificate is verified against `ca_file` when given).
struct HttpTarget {
  std::string host = "127.0.0.1";
  int port = 0;
  bool tls = false;
  std::string ca_file;
};

HttpResult HttpCall(const HttpTarget& target, const std::string& method, const std::string& path,
                    const std::map<std::string, std::string>& headers = {},
                    const std::string& body = "");

// Connects, sends `raw` bytes as they are, and returns what the server answers before it closes
// or `wait_seconds` pass (for malformed and slow clients).
std::string RawExchange(const HttpTarget& target, const std::string& raw, int wait_seconds);

}  // namespace zp::testing
