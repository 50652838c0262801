#pragma once

#include <functional>
#include <string>

#include "absl/time/time.h"
#include "zp/redis/connection.h"

namespace zp::testing {

std::string SourceDir();
std::string BinaryDir();

// The servers started by tests/run.sh (ZP_TEST_* variables), with local defaults.
std::string PgServerUrl();
redis::Options RedisOptions();
std::string KafkaBootstrap();

// A name no other test uses: prefix + UUIDv7 without dashes.
std::string UniqueName(const std::string& prefix);

// Polls `condition` every 20 ms until it holds or `timeout` passes; returns its last value.
bool Eventually(const std::function<bool()>& condition, absl::Duration timeout);

// A free TCP port on 127.0.0.1 for a server a test starts, outside the kernel's ephemeral range
// and reserved for this process until it exits: no other test process and no outgoing
// connection takes it before the server binds it.
int FreePort();

}  // namespace zp::testing
