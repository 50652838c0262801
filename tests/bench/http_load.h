#pragma once

// HTTPS load through the gateway for the service benchmarks: keep-alive clients, one thread and
// one TLS connection each, latencies collected and reported.

#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <functional>
#include <random>
#include <string>

#include "tests/support/http_client.h"

namespace zp::bench::http_load {

// A keep-alive HTTPS client on one connection.
class Client {
 public:
  explicit Client(const testing::HttpTarget& target);
  // `token` empty: no Authorization header. `idempotent`: a fresh Idempotency-Key.
  int Call(boost::beast::http::verb verb, const std::string& path, const std::string& token,
           const std::string& body, bool idempotent, std::string* response = nullptr);

 private:
  boost::asio::io_context io_;
  boost::asio::ssl::context ssl_;
  boost::beast::ssl_stream<boost::beast::tcp_stream> stream_;
};

struct Figures {
  double per_second = 0;
  double p50_ms = 0;
  double p99_ms = 0;
  int64_t calls = 0;
  int64_t failed = 0;  // answers other than 200
};

// Runs `clients` threads for `seconds`, each with its own connection, calling `call`; prints one
// line (`what`, req/s, p50, p99, calls, failures) and returns the figures.
Figures Run(const std::string& what, const testing::HttpTarget& target, int clients, int seconds,
            const std::function<int(Client&, std::mt19937&, int)>& call);

}  // namespace zp::bench::http_load
