#pragma once

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/http.hpp>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace zp::gateway {

namespace http = boost::beast::http;

using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

struct ServerLimits {
  size_t body_limit = 1024 * 1024;  // larger bodies: 413
  size_t header_limit = 16 * 1024;  // larger headers: 431
  // A request's headers must arrive within header_timeout of its first byte, its body within
  // body_timeout; a kept-alive connection may stay silent for idle_timeout between requests.
  absl::Duration header_timeout = absl::Seconds(10);
  absl::Duration body_timeout = absl::Seconds(30);
  absl::Duration idle_timeout = absl::Seconds(60);
  int max_connections = 20000;
};

// The response side of one HTTP exchange. Any thread may call it; the work is posted to the
// connection's strand. Either Respond once, or StartStream, StreamChunk..., EndStream.
class Exchange {
 public:
  virtual ~Exchange() = default;
  virtual void Respond(Response response) = 0;
  virtual void StartStream(http::response<http::empty_body> header) = 0;
  virtual void StreamChunk(std::string data) = 0;
  virtual void EndStream() = 0;
};

struct IncomingRequest {
  Request message;
  std::string client_ip;
  bool tls = false;
};

using RequestHandler =
    std::function<void(IncomingRequest request, std::shared_ptr<Exchange> exchange)>;
// Builds the error response the server itself sends (400, 413, 431) in the gateway's JSON format.
using ErrorResponder =
    std::function<Response(int http_status, const std::string& message, const Request* request)>;

// The I/O threads: one event loop (io_context) per thread, each connection on one of them for its
// whole life. A connection's reads, writes and timers never cross threads, and no two threads
// share one epoll set (several threads on one io_context hand every event from one to another).
class IoPool {
 public:
  explicit IoPool(int threads);
  ~IoPool();
  // The loop of the next connection (round robin).
  boost::asio::io_context& Next();
  // Runs every loop on its own thread until Stop().
  void Start();
  void Stop();
  int size() const { return static_cast<int>(contexts_.size()); }

 private:
  std::vector<std::unique_ptr<boost::asio::io_context>> contexts_;
  std::vector<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> guards_;
  std::vector<std::thread> threads_;
  std::atomic<uint32_t> next_{0};
};

// An HTTP/1.1 server on Boost.Beast: keep-alive, no pipelining, limits and timeouts above.
// With an SSL context it serves HTTPS (the context decides protocols: TLS 1.2 and 1.3).
class HttpServer {
 public:
  HttpServer(IoPool& io, boost::asio::ssl::context* ssl, ServerLimits limits,
             RequestHandler handler, ErrorResponder errors);
  ~HttpServer();

  // Listens on host:port (port 0: any free port).
  absl::Status Listen(const std::string& host, int port);
  int port() const { return port_; }
  int connections() const { return connections_->load(); }
  void Stop();

 private:
  void Accept();

  IoPool& io_;
  boost::asio::ssl::context* ssl_;
  ServerLimits limits_;
  RequestHandler handler_;
  ErrorResponder errors_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::shared_ptr<std::atomic<int>> connections_ = std::make_shared<std::atomic<int>>(0);
  int port_ = 0;
};

// An SSL context for a server: TLS 1.2 and 1.3 only, certificate chain and key from PEM files.
absl::StatusOr<std::unique_ptr<boost::asio::ssl::context>> MakeServerTlsContext(
    const std::string& cert_file, const std::string& key_file);

}  // namespace zp::gateway
