#include "zp/pg/test_database.h"

#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "zp/core/uuid.h"

namespace zp::pg {

std::string TestServerUrl() {
  const char* url = std::getenv("ZP_TEST_PG_URL");
  return url != nullptr ? url : "postgresql://zp@127.0.0.1:55432/postgres";
}

absl::StatusOr<std::unique_ptr<TestDatabase>> TestDatabase::Create() {
  return Create(TestServerUrl());
}

absl::StatusOr<std::unique_ptr<TestDatabase>> TestDatabase::Create(const std::string& server_url) {
  absl::StatusOr<std::unique_ptr<Connection>> admin = Connection::Open(server_url);
  if (!admin.ok()) {
    return admin.status();
  }
  std::string name = absl::StrCat("zp_test_", absl::StrReplaceAll(core::NewUuidV7(), {{"-", ""}}));
  if (absl::Status s = (*admin)->ExecScript(absl::StrCat("CREATE DATABASE ", name)); !s.ok()) {
    return s;
  }
  return std::unique_ptr<TestDatabase>(new TestDatabase(server_url, name));
}

TestDatabase::~TestDatabase() {
  absl::StatusOr<std::unique_ptr<Connection>> admin = Connection::Open(server_url_);
  if (admin.ok()) {
    (void)(*admin)->ExecScript(absl::StrCat("DROP DATABASE IF EXISTS ", name_, " WITH (FORCE)"));
  }
}

PoolOptions TestDatabase::pool_options(int size) const {
  PoolOptions options;
  options.conninfo = server_url_;
  options.overrides = overrides();
  options.size = size;
  return options;
}

}  // namespace zp::pg
