#include "gateway/src/http_server.h"

#include <array>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <deque>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "zp/log/log.h"

namespace zp::gateway {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
using tcp = net::ip::tcp;

std::chrono::steady_clock::duration Chrono(absl::Duration d) {
  return std::chrono::microseconds(absl::ToInt64Microseconds(d));
}

// The parts common to plain and TLS connections; Derived provides stream() and the handshake.
template <class Derived>
class Session : public Exchange {
 public:
  Session(const ServerLimits& limits, const RequestHandler& handler, const ErrorResponder& errors,
          std::shared_ptr<std::atomic<int>> connections, std::string client_ip)
      : limits_(limits),
        handler_(handler),
        errors_(errors),
        connections_(std::move(connections)),
        client_ip_(std::move(client_ip)) {}
  ~Session() override { --*connections_; }

  Derived& derived() { return static_cast<Derived&>(*this); }
  std::shared_ptr<Derived> self() {
    return std::static_pointer_cast<Derived>(derived().shared_from_this());
  }

  // Waits (idle timeout) for the first bytes of the next request, then gives the whole header
  // block header_timeout. The first bytes are read through the stream (TLS included: records may
  // already sit in the TLS layer's buffers, where the socket would never look readable again).
  void AwaitRequest() {
    if (buffer_.size() > 0) {
      ReadHeader();
      return;
    }
    beast::get_lowest_layer(derived().stream()).expires_after(Chrono(limits_.idle_timeout));
    derived().stream().async_read_some(buffer_.prepare(8192),
                                       [self = self()](beast::error_code ec, std::size_t n) {
                                         if (ec) {
                                           return self->Close();
                                         }
                                         self->buffer_.commit(n);
                                         self->ReadHeader();
                                       });
  }

  void ReadHeader() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(limits_.header_limit));
    parser_->body_limit(limits_.body_limit);
    beast::get_lowest_layer(derived().stream()).expires_after(Chrono(limits_.header_timeout));
    http::async_read_header(
        derived().stream(), buffer_, *parser_,
        [self = self()](beast::error_code ec, std::size_t) { self->OnHeader(ec); });
  }

  void OnHeader(beast::error_code ec) {
    if (ec == http::error::header_limit) {
      return SendError(431, "request headers too large");
    }
    if (ec == http::error::body_limit) {  // Content-Length announced over the limit
      return SendError(413,
                       absl::StrCat("request body larger than ", limits_.body_limit, " bytes"));
    }
    if (ec == http::error::end_of_stream || ec == beast::error::timeout || ec) {
      if (ec && ec != http::error::end_of_stream && ec != beast::error::timeout &&
          ec != net::error::eof && ec != net::ssl::error::stream_truncated &&
          ec != net::error::connection_reset && ec != net::error::operation_aborted) {
        return SendError(400, absl::StrCat("malformed request: ", ec.message()));
      }
      return Close();
    }
    if (parser_->content_length().has_value() && *parser_->content_length() > limits_.body_limit) {
      return SendError(413,
                       absl::StrCat("request body larger than ", limits_.body_limit, " bytes"));
    }
    beast::get_lowest_layer(derived().stream()).expires_after(Chrono(limits_.body_timeout));
    http::async_read(derived().stream(), buffer_, *parser_,
                     [self = self()](beast::error_code ec, std::size_t) { self->OnBody(ec); });
  }

  void OnBody(beast::error_code ec) {
    if (ec == http::error::body_limit) {
      return SendError(413,
                       absl::StrCat("request body larger than ", limits_.body_limit, " bytes"));
    }
    if (ec) {
      if (ec != beast::error::timeout && ec != http::error::end_of_stream &&
          ec != http::error::partial_message) {
        return SendError(400, absl::StrCat("malformed request: ", ec.message()));
      }
      return Close();
    }
    beast::get_lowest_layer(derived().stream()).expires_never();
    request_ = parser_->release();
    keep_alive_ = request_.keep_alive();
    IncomingRequest incoming{request_, client_ip_, Derived::kTls};
    handler_(std::move(incoming), self());
  }

  void SendError(int status, const std::string& message) {
    keep_alive_ = false;
    // The client may still be sending the request we refuse: read and drop it for a while after
    // answering, so that it reads our answer instead of a connection reset.
    drain_after_response_ = true;
    Response res = errors_(status, message, parser_.has_value() ? &parser_->get() : nullptr);
    Write(std::move(res));
  }

  // Exchange: every call is posted to the connection's strand.
  void Respond(Response response) override {
    net::post(derived().stream().get_executor(),
              [self = self(), r = std::move(response)]() mutable { self->Write(std::move(r)); });
  }

  void StartStream(http::response<http::empty_body> header) override {
    net::post(derived().stream().get_executor(), [self = self(), h = std::move(header)]() mutable {
      h.keep_alive(self->keep_alive_);
      h.chunked(true);
      self->stream_header_ = std::move(h);
      self->header_serializer_.emplace(*self->stream_header_);
      self->writing_ = true;
      beast::get_lowest_layer(self->derived().stream())
          .expires_after(Chrono(self->limits_.idle_timeout));
      http::async_write_header(self->derived().stream(), *self->header_serializer_,
                               [self](beast::error_code ec, std::size_t) {
                                 self->writing_ = false;
                                 if (ec) {
                                   self->broken_ = true;
                                 }
                                 self->FlushChunks();
                               });
    });
  }

  void StreamChunk(std::string data) override {
    net::post(derived().stream().get_executor(), [self = self(), d = std::move(data)]() mutable {
      if (d.empty()) {
        return;
      }
      self->chunks_.push_back(absl::StrFormat("%x\r\n", d.size()) + d + "\r\n");
      self->FlushChunks();
    });
  }

  void EndStream() override {
    net::post(derived().stream().get_executor(), [self = self()] {
      self->chunks_.push_back("0\r\n\r\n");
      self->ending_ = true;
      self->FlushChunks();
    });
  }

  void FlushChunks() {
    if (writing_ || !header_serializer_.has_value()) {
      return;
    }
    if (broken_) {
      chunks_.clear();
      return Close();
    }
    if (chunks_.empty()) {
      if (ending_) {
        ending_ = false;
        header_serializer_.reset();
        stream_header_.reset();
        return AfterResponse();
      }
      return;
    }
    writing_ = true;
    current_chunk_ = std::move(chunks_.front());
    chunks_.pop_front();
    beast::get_lowest_layer(derived().stream()).expires_after(Chrono(limits_.idle_timeout));
    net::async_write(derived().stream(), net::buffer(current_chunk_),
                     [self = self()](beast::error_code ec, std::size_t) {
                       self->writing_ = false;
                       if (ec) {
                         self->broken_ = true;
                       }
                       self->FlushChunks();
                     });
  }

  void Write(Response response) {
    response.keep_alive(keep_alive_);
    response.prepare_payload();
    response_ = std::move(response);
    beast::get_lowest_layer(derived().stream()).expires_after(Chrono(limits_.idle_timeout));
    http::async_write(derived().stream(), *response_,
                      [self = self()](beast::error_code ec, std::size_t) {
                        if (ec) {
                          return self->Close();
                        }
                        self->response_.reset();
                        self->AfterResponse();
                      });
  }

  void AfterResponse() {
    if (!keep_alive_) {
      if (drain_after_response_) {
        return Drain();
      }
      return derived().Shutdown();
    }
    AwaitRequest();
  }

  void Drain() {
    constexpr size_t kMaxDrained = 16 * 1024 * 1024;
    beast::get_lowest_layer(derived().stream()).expires_after(std::chrono::seconds(5));
    derived().stream().async_read_some(net::buffer(drain_buffer_),
                                       [self = self()](beast::error_code ec, std::size_t n) {
                                         self->drained_ += n;
                                         if (ec || self->drained_ > kMaxDrained) {
                                           return self->derived().Shutdown();
                                         }
                                         self->Drain();
                                       });
  }

  void Close() { derived().Shutdown(); }

 protected:
  const ServerLimits& limits_;
  const RequestHandler& handler_;
  const ErrorResponder& errors_;
  std::shared_ptr<std::atomic<int>> connections_;
  std::string client_ip_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  Request request_;
  std::optional<Response> response_;
  bool keep_alive_ = true;
  std::optional<http::response<http::empty_body>> stream_header_;
  std::optional<http::response_serializer<http::empty_body>> header_serializer_;
  std::deque<std::string> chunks_;
  std::string current_chunk_;
  bool writing_ = false;
  bool ending_ = false;
  bool broken_ = false;
  bool drain_after_response_ = false;
  size_t drained_ = 0;
  std::array<char, 16384> drain_buffer_;
};

class PlainSession final : public Session<PlainSession>,
                           public std::enable_shared_from_this<PlainSession> {
 public:
  static constexpr bool kTls = false;
  PlainSession(tcp::socket&& socket, const ServerLimits& limits, const RequestHandler& handler,
               const ErrorResponder& errors, std::shared_ptr<std::atomic<int>> connections,
               std::string ip)
      : Session(limits, handler, errors, std::move(connections), std::move(ip)),
        stream_(std::move(socket)) {}
  beast::tcp_stream& stream() { return stream_; }
  void Run() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->AwaitRequest(); });
  }
  void Shutdown() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  }

 private:
  beast::tcp_stream stream_;
};

class TlsSession final : public Session<TlsSession>,
                         public std::enable_shared_from_this<TlsSession> {
 public:
  static constexpr bool kTls = true;
  TlsSession(tcp::socket&& socket, net::ssl::context& ctx, const ServerLimits& limits,
             const RequestHandler& handler, const ErrorResponder& errors,
             std::shared_ptr<std::atomic<int>> connections, std::string ip)
      : Session(limits, handler, errors, std::move(connections), std::move(ip)),
        stream_(std::move(socket), ctx) {}
  beast::ssl_stream<beast::tcp_stream>& stream() { return stream_; }
  void Run() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] {
      beast::get_lowest_layer(self->stream_).expires_after(Chrono(self->limits_.header_timeout));
      self->stream_.async_handshake(net::ssl::stream_base::server, [self](beast::error_code ec) {
        if (ec) {
          return;  // bad or slow handshake: drop the connection
        }
        self->AwaitRequest();
      });
    });
  }
  void Shutdown() {
    beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(5));
    stream_.async_shutdown([self = shared_from_this()](beast::error_code) {
      beast::error_code ec;
      beast::get_lowest_layer(self->stream_).socket().close(ec);
    });
  }

 private:
  beast::ssl_stream<beast::tcp_stream> stream_;
};

}  // namespace

IoPool::IoPool(int threads) {
  for (int i = 0; i < std::max(1, threads); ++i) {
    contexts_.push_back(std::make_unique<net::io_context>(1));  // one thread runs it
    guards_.push_back(net::make_work_guard(*contexts_.back()));
  }
}

IoPool::~IoPool() { Stop(); }

net::io_context& IoPool::Next() {
  return *contexts_[next_.fetch_add(1, std::memory_order_relaxed) % contexts_.size()];
}

void IoPool::Start() {
  for (auto& ctx : contexts_) {
    threads_.emplace_back([c = ctx.get()] { c->run(); });
  }
}

void IoPool::Stop() {
  guards_.clear();
  for (auto& ctx : contexts_) ctx->stop();
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
}

HttpServer::HttpServer(IoPool& io, net::ssl::context* ssl, ServerLimits limits,
                       RequestHandler handler, ErrorResponder errors)
    : io_(io),
      ssl_(ssl),
      limits_(limits),
      handler_(std::move(handler)),
      errors_(std::move(errors)),
      acceptor_(io.Next()) {}

HttpServer::~HttpServer() { Stop(); }

absl::Status HttpServer::Listen(const std::string& host, int port) {
  beast::error_code ec;
  tcp::endpoint endpoint(net::ip::make_address(host, ec), static_cast<unsigned short>(port));
  if (ec) {
    return absl::InvalidArgumentError(absl::StrCat("bad listen address ", host));
  }
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) {
    acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  }
  if (!ec) {
    acceptor_.bind(endpoint, ec);
  }
  if (!ec) {
    acceptor_.listen(net::socket_base::max_listen_connections, ec);
  }
  if (ec) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", host, ":", port, ": ", ec.message()));
  }
  port_ = acceptor_.local_endpoint().port();
  Accept();
  return absl::OkStatus();
}

void HttpServer::Stop() {
  beast::error_code ec;
  acceptor_.close(ec);
}

void HttpServer::Accept() {
  // The connection's socket lives on the next loop; its handlers all run on that loop's thread.
  acceptor_.async_accept(io_.Next(), [this](beast::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted) {
      return;
    }
    if (!ec) {
      if (connections_->load() >= limits_.max_connections) {
        beast::error_code ignored;
        socket.close(ignored);  // over the limit: refuse at once, hold nothing
      } else {
        ++*connections_;
        beast::error_code peer_ec;
        std::string ip = socket.remote_endpoint(peer_ec).address().to_string();
        socket.set_option(tcp::no_delay(true), peer_ec);
        if (ssl_ != nullptr) {
          std::make_shared<TlsSession>(std::move(socket), *ssl_, limits_, handler_, errors_,
                                       connections_, ip)
              ->Run();
        } else {
          std::make_shared<PlainSession>(std::move(socket), limits_, handler_, errors_,
                                         connections_, ip)
              ->Run();
        }
      }
    }
    Accept();
  });
}

absl::StatusOr<std::unique_ptr<net::ssl::context>> MakeServerTlsContext(
    const std::string& cert_file, const std::string& key_file) {
  auto ctx = std::make_unique<net::ssl::context>(net::ssl::context::tls_server);
  ctx->set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                   net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 |
                   net::ssl::context::no_tlsv1_1 | net::ssl::context::single_dh_use);
  SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
  beast::error_code ec;
  ctx->use_certificate_chain_file(cert_file, ec);
  if (!ec) {
    ctx->use_private_key_file(key_file, net::ssl::context::pem, ec);
  }
  if (ec) {
    return absl::InvalidArgumentError(
        absl::StrCat("TLS: cannot load ", cert_file, " / ", key_file, ": ", ec.message()));
  }
  return ctx;
}

}  // namespace zp::gateway
