#include "zp/redis/connection.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace zp::redis {

Options OptionsForAddress(absl::string_view host_port) {
  Options options;
  const size_t colon = host_port.rfind(':');
  options.host = std::string(host_port.substr(0, colon));
  if (colon != absl::string_view::npos) {
    (void)absl::SimpleAtoi(host_port.substr(colon + 1), &options.port);
  }
  return options;
}

Options OptionsForRequests(absl::string_view host_port) {
  Options options = OptionsForAddress(host_port);
  options.connect_timeout = absl::Milliseconds(200);
  options.command_timeout = absl::Milliseconds(200);
  return options;
}

absl::StatusOr<std::unique_ptr<Connection>> Connection::Open(const Options& options) {
  ContextPtr ctx(redisConnectWithTimeout(options.host.c_str(), options.port,
                                         absl::ToTimeval(options.connect_timeout)));
  if (ctx == nullptr) {
    return absl::UnavailableError("redis: cannot allocate a connection");
  }
  if (ctx->err != 0) {
    return absl::UnavailableError(absl::StrCat("redis: cannot connect to ", options.host, ":",
                                               options.port, ": ", ctx->errstr));
  }
  if (redisSetTimeout(ctx.get(), absl::ToTimeval(options.command_timeout)) != REDIS_OK) {
    return absl::UnavailableError("redis: cannot set the command timeout");
  }
  return std::unique_ptr<Connection>(new Connection(std::move(ctx)));
}

absl::StatusOr<ReplyPtr> Connection::Command(const std::vector<std::string>& args) {
  std::vector<const char*> argv;
  std::vector<size_t> argvlen;
  for (const std::string& a : args) {
    argv.push_back(a.data());
    argvlen.push_back(a.size());
  }
  ReplyPtr reply(static_cast<redisReply*>(
      redisCommandArgv(ctx_.get(), static_cast<int>(args.size()), argv.data(), argvlen.data())));
  if (reply == nullptr) {
    broken_ = true;
    return absl::UnavailableError(absl::StrCat("redis: ", ctx_->errstr));
  }
  if (reply->type == REDIS_REPLY_ERROR) {
    return absl::InternalError(absl::StrCat("redis: ", std::string(reply->str, reply->len)));
  }
  return reply;
}

}  // namespace zp::redis
