#include "tests/bench/http_load.h"

#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <iomanip>
#include <iostream>
#include <thread>

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "tests/bench/bench.h"
#include "zp/core/uuid.h"

namespace zp::bench::http_load {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

Client::Client(const testing::HttpTarget& target)
    : ssl_(net::ssl::context::tls_client), stream_(io_, ssl_) {
  ssl_.load_verify_file(target.ca_file);
  ssl_.set_verify_mode(net::ssl::verify_peer);
  tcp::resolver resolver(io_);
  beast::get_lowest_layer(stream_).connect(
      *resolver.resolve(target.host, std::to_string(target.port)).begin());
  stream_.handshake(net::ssl::stream_base::client);
}

int Client::Call(http::verb verb, const std::string& path, const std::string& token,
                 const std::string& body, bool idempotent, std::string* response) {
  http::request<http::string_body> req{verb, path, 11};
  req.set(http::field::host, "localhost");
  if (!token.empty()) req.set(http::field::authorization, "Bearer " + token);
  req.set(http::field::content_type, "application/json");
  if (idempotent) req.set("Idempotency-Key", core::NewUuidV7());
  req.keep_alive(true);
  req.body() = body;
  req.prepare_payload();
  http::write(stream_, req);
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(stream_, buffer, res);
  if (response != nullptr) *response = std::move(res.body());
  return res.result_int();
}

Figures Run(const std::string& what, const testing::HttpTarget& target, int clients, int seconds,
            const std::function<int(Client&, std::mt19937&, int)>& call) {
  absl::Mutex mu;
  std::vector<double> ms;
  int64_t failed_total = 0;
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  const absl::Time start = absl::Now();
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      Client client(target);
      std::mt19937 rng(c + 1);
      std::vector<double> mine;
      int64_t failed = 0;
      while (!stop) {
        const absl::Time t0 = absl::Now();
        int status = call(client, rng, c);
        mine.push_back(absl::ToDoubleMilliseconds(absl::Now() - t0));
        if (status != 200) ++failed;
      }
      absl::MutexLock lock(&mu);
      ms.insert(ms.end(), mine.begin(), mine.end());
      failed_total += failed;
    });
  }
  absl::SleepFor(absl::Seconds(seconds));
  stop = true;
  for (auto& t : threads) t.join();
  const double elapsed = absl::ToDoubleSeconds(absl::Now() - start);
  Figures f;
  f.calls = static_cast<int64_t>(ms.size());
  f.failed = failed_total;
  f.per_second = static_cast<double>(ms.size()) / elapsed;
  f.p50_ms = Percentile(ms, 50);
  f.p99_ms = Percentile(ms, 99);
  std::cout << std::fixed << std::setprecision(2) << "  " << std::left << std::setw(44) << what
            << std::right << std::setw(9) << f.per_second << " req/s   p50 " << std::setw(7)
            << f.p50_ms << " ms   p99 " << std::setw(7) << f.p99_ms << " ms   (" << f.calls
            << " calls, " << f.failed << " failed)\n";
  return f;
}

}  // namespace zp::bench::http_load
