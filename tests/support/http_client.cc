#include "tests/support/http_client.h"

#include <sys/socket.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

namespace zp::testing {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

template <class Stream>
HttpResult Exchange(Stream& stream, const std::string& method, const std::string& path,
                    const std::map<std::string, std::string>& headers, const std::string& body) {
  http::request<http::string_body> req;
  req.method_string(method);
  req.target(path);
  req.version(11);
  req.set(http::field::host, "localhost");
  for (const auto& [k, v] : headers) {
    req.set(k, v);
  }
  req.body() = body;
  if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
    req.prepare_payload();
  }
  beast::error_code ec;
  http::write(stream, req, ec);
  HttpResult result;
  if (ec) {
    return result;
  }
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  http::read(stream, buffer, parser, ec);
  if (ec) {
    return result;
  }
  auto res = parser.release();
  result.status = static_cast<int>(res.result_int());
  for (const auto& field : res) {
    std::string name(field.name_string());
    for (char& c : name) {
      c = static_cast<char>(std::tolower(c));
    }
    result.headers[name] = std::string(field.value());
  }
  result.body = res.body();
  return result;
}

}  // namespace

HttpResult HttpCall(const HttpTarget& target, const std::string& method, const std::string& path,
                    const std::map<std::string, std::string>& headers, const std::string& body) {
  net::io_context ioc;
  tcp::resolver resolver(ioc);
  beast::error_code ec;
  auto endpoints = resolver.resolve(target.host, std::to_string(target.port), ec);
  if (ec) {
    return {};
  }
  if (!target.tls) {
    beast::tcp_stream stream(ioc);
    stream.expires_after(std::chrono::seconds(30));
    stream.connect(endpoints, ec);
    if (ec) {
      return {};
    }
    return Exchange(stream, method, path, headers, body);
  }
  net::ssl::context ctx(net::ssl::context::tls_client);
  if (!target.ca_file.empty()) {
    ctx.load_verify_file(target.ca_file, ec);
    ctx.set_verify_mode(net::ssl::verify_peer);
  }
  beast::ssl_stream<beast::tcp_stream> stream(ioc, ctx);
  SSL_set_tlsext_host_name(stream.native_handle(), "localhost");
  beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(30));
  beast::get_lowest_layer(stream).connect(endpoints, ec);
  if (!ec) {
    stream.handshake(net::ssl::stream_base::client, ec);
  }
  if (ec) {
    return {};
  }
  return Exchange(stream, method, path, headers, body);
}

std::string RawExchange(const HttpTarget& target, const std::string& raw, int wait_seconds) {
  net::io_context ioc;
  beast::tcp_stream stream(ioc);
  beast::error_code ec;
  stream.connect(tcp::endpoint(net::ip::make_address(target.host), target.port), ec);
  if (ec) {
    return "";
  }
  timeval tv{wait_seconds, 0};
  setsockopt(stream.socket().native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  net::write(stream.socket(), net::buffer(raw), ec);
  std::string out;
  char buf[4096];
  while (true) {
    size_t n = stream.socket().read_some(net::buffer(buf), ec);
    if (ec) {
      break;
    }
    out.append(buf, n);
  }
  return out;
}

}  // namespace zp::testing
