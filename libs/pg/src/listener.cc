#include "zp/pg/listener.h"

#include <poll.h>

#include "absl/strings/str_cat.h"

namespace zp::pg {

absl::StatusOr<std::unique_ptr<Listener>> Listener::Open(
    const std::string& conninfo, const std::vector<std::string>& channels,
    const std::map<std::string, std::string>& overrides) {
  absl::StatusOr<std::unique_ptr<Connection>> conn = Connection::Open(conninfo, overrides);
  if (!conn.ok()) {
    return conn.status();
  }
  for (const std::string& channel : channels) {
    char* quoted = PQescapeIdentifier((*conn)->raw(), channel.c_str(), channel.size());
    if (quoted == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat("bad channel name ", channel));
    }
    std::string sql = absl::StrCat("LISTEN ", quoted);
    PQfreemem(quoted);
    if (absl::Status s = (*conn)->ExecScript(sql); !s.ok()) {
      return s;
    }
  }
  return std::unique_ptr<Listener>(new Listener(*std::move(conn)));
}

std::vector<Notification> Listener::Drain() {
  std::vector<Notification> out;
  while (PGnotify* n = PQnotifies(conn_->raw())) {
    out.push_back({n->relname, n->extra});
    PQfreemem(n);
  }
  return out;
}

absl::StatusOr<std::vector<Notification>> Listener::Wait(absl::Duration timeout) {
  if (PQconsumeInput(conn_->raw()) == 0) {
    return absl::UnavailableError(absl::StrCat("database: ", PQerrorMessage(conn_->raw())));
  }
  std::vector<Notification> ready = Drain();
  if (!ready.empty()) {
    return ready;
  }
  pollfd pfd{PQsocket(conn_->raw()), POLLIN, 0};
  if (pfd.fd < 0) {
    return absl::UnavailableError("database: listener connection lost");
  }
  int rc = poll(&pfd, 1, static_cast<int>(absl::ToInt64Milliseconds(timeout)));
  if (rc < 0) {
    return std::vector<Notification>{};  // interrupted: the caller loops
  }
  if (rc > 0 && PQconsumeInput(conn_->raw()) == 0) {
    return absl::UnavailableError(absl::StrCat("database: ", PQerrorMessage(conn_->raw())));
  }
  if (PQstatus(conn_->raw()) != CONNECTION_OK) {
    return absl::UnavailableError("database: listener connection lost");
  }
  return Drain();
}

}  // namespace zp::pg
