#pragma once

// The shape of a service's store (services/README.md): reads, and one unit of work per mutating
// call, in which the service locks, writes and records its change, all or nothing, under the
// call's request_id (AIP-155: a retry answers the first response; the same id for another
// request is ALREADY_EXISTS). A service's store interface declares
//
//   absl::StatusOr<std::string> Idempotent(const service::IdempotentCall& call,
//       const std::function<absl::StatusOr<std::string>(ThingTx&)>& work);
//
// its PostgreSQL implementation forwards to PgIdempotent, its test fake to FakeIdempotency
// (tests/support/fake_idempotency.h), and the logic calls RunIdempotent<Response>.

#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "google/protobuf/message.h"
#include "zp/pg/pool.h"
#include "zp/pg/transaction.h"

namespace zp::service {

// Who makes the call, for the idempotency of its request_id.
struct IdempotentCall {
  std::string method;
  std::string caller;  // the principal's subject, "" when anonymous
  std::string request_id;
  const google::protobuf::Message* request = nullptr;
};

// store.Idempotent(call, work) for a typed response.
template <typename Response, typename Store, typename Work>
absl::StatusOr<Response> RunIdempotent(Store& store, const IdempotentCall& call, Work&& work) {
  absl::StatusOr<std::string> bytes =
      store.Idempotent(call, [&](auto& tx) -> absl::StatusOr<std::string> {
        absl::StatusOr<Response> response = work(tx);
        if (!response.ok()) return response.status();
        return response->SerializeAsString();
      });
  if (!bytes.ok()) return bytes.status();
  Response response;
  if (!response.ParseFromString(*bytes)) {
    return absl::DataLossError("stored response does not parse");
  }
  return response;
}

// A unit of work in one PostgreSQL transaction, under pg::RunIdempotent.
absl::StatusOr<std::string> PgIdempotent(
    pg::Pool& pool, const IdempotentCall& call,
    const std::function<absl::StatusOr<std::string>(pg::Transaction&)>& work);

}  // namespace zp::service
