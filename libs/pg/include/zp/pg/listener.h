#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "zp/pg/connection.h"

namespace zp::pg {

struct Notification {
  std::string channel;
  std::string payload;
};

// A dedicated connection that LISTENs on channels (NOTIFY is delivered when the sender commits).
class Listener {
 public:
  static absl::StatusOr<std::unique_ptr<Listener>> Open(
      const std::string& conninfo, const std::vector<std::string>& channels,
      const std::map<std::string, std::string>& overrides = {});
  // Waits up to `timeout` for notifications; returns those received (possibly none).
  // UNAVAILABLE when the connection is lost: open a new Listener.
  absl::StatusOr<std::vector<Notification>> Wait(absl::Duration timeout);

 private:
  explicit Listener(std::unique_ptr<Connection> conn) : conn_(std::move(conn)) {}
  std::vector<Notification> Drain();
  std::unique_ptr<Connection> conn_;
};

}  // namespace zp::pg
