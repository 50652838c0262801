#include <catch2/catch.hpp>

#include "zp/core/files.h"
#include "zp/events/event.h"
#include "zp/pg/migrations.h"

namespace zp::pg {
namespace {

TEST_CASE("migrations: files are ordered by version and must be named NNNN_name.sql",
          "[migrations]") {
  auto m = MigrationsFromFiles("sgec", {{"0002_add_index.sql", "CREATE INDEX ..."},
                                        {"0001_create.sql", "CREATE TABLE ..."}});
  REQUIRE(m.ok());
  REQUIRE(m->size() == 2);
  CHECK((*m)[0].version == 1);
  CHECK((*m)[1].version == 2);
  CHECK((*m)[0].component == "sgec");
  CHECK_FALSE(MigrationsFromFiles("sgec", {{"create.sql", ""}}).ok());
  CHECK_FALSE(MigrationsFromFiles("sgec", {{"0001_create.txt", ""}}).ok());
  CHECK_FALSE(MigrationsFromFiles("sgec", {{"0001_a.sql", ""}, {"0001_b.sql", ""}}).ok());
}

TEST_CASE("migrations: checksum is the SHA-256 of the text", "[migrations]") {
  CHECK(core::Sha256Hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(core::Sha256Hex("abc") ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("migrations: the events library ships its outbox schema", "[migrations]") {
  auto m = events::Migrations();
  REQUIRE(m.size() == 1);
  CHECK(m[0].component == "zp_events");
  CHECK(m[0].sql.find("CREATE TABLE outbox") != std::string::npos);
  CHECK(m[0].sql.find("CREATE TABLE processed_events") != std::string::npos);
}

}  // namespace
}  // namespace zp::pg
