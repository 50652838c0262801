#include "zp/service/store.h"

#include "zp/pg/idempotency.h"

namespace zp::service {
namespace {

// The response bytes, as pg::RunIdempotent stores and reads a response.
struct Bytes {
  bool ParseFromString(const std::string& s) {
    value = s;
    return true;
  }
  std::string SerializeAsString() const { return value; }
  std::string value;
};

}  // namespace

absl::StatusOr<std::string> PgIdempotent(
    pg::Pool& pool, const IdempotentCall& call,
    const std::function<absl::StatusOr<std::string>(pg::Transaction&)>& work) {
  absl::StatusOr<Bytes> out =
      pg::RunIdempotent<Bytes>(pool, call.method, call.caller, call.request_id, *call.request,
                               [&](pg::Transaction& tx) -> absl::StatusOr<Bytes> {
                                 absl::StatusOr<std::string> response = work(tx);
                                 if (!response.ok()) return response.status();
                                 return Bytes{*std::move(response)};
                               });
  if (!out.ok()) return out.status();
  return std::move(out->value);
}

}  // namespace zp::service
