// zp::files against a real PostgreSQL: content addressed by its digest, the type read from the
// content (libmagic), limits per kind, nothing kept from a failed transaction.
#include "zp/files/files.h"

#include <catch2/catch.hpp>

#include "tests/support/migrated_database.h"
#include "tests/support/sample_files.h"
#include "zp/core/status.h"
#include "zp/service/runtime.h"

namespace zp::files {
namespace {

using testing::kJpeg;
using testing::kPdf;
using testing::kPng;

struct FilesFixture {
  testing::MigratedDatabase migrated = testing::NewMigratedDatabase(Migrations(), 2);
  PgContentStore store;
  Files files{
      store,
      {{"photo", 1024, {"image/jpeg", "image/png"}}, {"plan", 1 << 20, {"application/pdf"}}}};
  int64_t Count(const std::string& sql) { return testing::QueryCount(*migrated.pool, sql); }
  absl::StatusOr<StoredFile> Store(const std::string& kind, const std::string& content,
                                   const std::string& declared = "") {
    absl::StatusOr<StoredFile> out;
    absl::Status s = pg::RunInTransaction(*migrated.pool, [&](pg::Transaction& tx) {
      out = files.Store(tx, kind, content, declared, "attachment.content");
      return out.status();
    });
    if (!s.ok()) return s;
    return out;
  }
};

std::string FieldOf(const absl::Status& s) {
  auto v = core::FieldViolationsOf(s);
  return v.empty() ? "" : v[0].field;
}

TEST_CASE("files: the type comes from the content, never from the name", "[files]") {
  CHECK(DetectMimeType(kPng).value() == "image/png");
  CHECK(DetectMimeType(kPdf).value() == "application/pdf");
  CHECK(DetectMimeType(kJpeg).value() == "image/jpeg");
  CHECK(DetectMimeType("Bonjour, la route est coupée.\n").value() == "text/plain");
  CHECK(IsSha256(std::string(64, 'a')));
  CHECK_FALSE(IsSha256(std::string(64, 'A')));
  CHECK_FALSE(IsSha256("../../etc/passwd"));
}

TEST_CASE("files: kept once under their digest, read back byte for byte", "[integration][files]") {
  FilesFixture f;
  auto png = f.Store("photo", kPng, "image/png");
  INFO(png.status().ToString());
  REQUIRE(png.ok());
  CHECK(png->mime_type == "image/png");
  CHECK(png->size == static_cast<int64_t>(kPng.size()));
  CHECK(IsSha256(png->sha256));
  auto again = f.Store("photo", kPng);  // the same bytes: the same file, one copy
  REQUIRE(again.ok());
  CHECK(again->sha256 == png->sha256);
  CHECK(f.Count("SELECT count(*) FROM files") == 1);
  CHECK(f.Count("SELECT count(*) FROM file_contents") == 1);
  auto conn = f.migrated.pool->Acquire();
  REQUIRE(conn.ok());
  CHECK(f.files.Content(**conn, png->sha256).value() == kPng);
  auto found = f.files.Find(**conn, png->sha256);
  REQUIRE(found.ok());
  REQUIRE(found->has_value());
  CHECK((*found)->kind == "photo");
  CHECK(f.files.Content(**conn, std::string(64, '0')).status().code() ==
        absl::StatusCode::kNotFound);
  CHECK(f.files.Content(**conn, "../x").status().code() == absl::StatusCode::kNotFound);
}

TEST_CASE(
    "files: wrong type, contradicted declaration, over the limit or empty: 400 naming the "
    "field, nothing kept",
    "[integration][files]") {
  FilesFixture f;
  // A PDF where photos are taken; a PNG declared as a JPEG; a PDF named .jpg changes nothing.
  for (auto [kind, content, declared] :
       {std::tuple{"photo", kPdf, ""}, std::tuple{"photo", kPng, "image/jpeg"},
        std::tuple{"plan", kPng, "application/pdf"}, std::tuple{"photo", std::string(), ""},
        std::tuple{"photo", kPng + std::string(2000, '\0'), "image/png"}}) {
    INFO(kind << " " << declared << " " << content.size());
    auto s = f.Store(kind, content, declared);
    CHECK(s.status().code() == absl::StatusCode::kInvalidArgument);
    CHECK(FieldOf(s.status()) == "attachment.content");
  }
  CHECK(f.Store("plan", kPdf, "application/pdf; charset=binary").ok());
  // A transaction that fails after the file was stored keeps nothing of it.
  absl::Status failed = pg::RunInTransaction(*f.migrated.pool, [&](pg::Transaction& tx) {
    RETURN_IF_ERROR(f.files.Store(tx, "photo", kJpeg, "", "photo").status());
    return absl::AbortedError("the complaint it belonged to was refused");
  });
  CHECK(failed.code() == absl::StatusCode::kAborted);
  CHECK(f.Count("SELECT count(*) FROM files") == 1);
  CHECK(f.Count("SELECT count(*) FROM file_contents") == 1);
}

}  // namespace
}  // namespace zp::files
