#include "zp/files/files.h"

#include <magic.h>
#include <openssl/sha.h>

#include <algorithm>
#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "zp/core/embedded_file.h"
#include "zp/core/status.h"

namespace zp::files {

std::vector<core::EmbeddedFile> EmbeddedFilesMigrations();

namespace {

struct MagicCloser {
  void operator()(magic_t m) const { magic_close(m); }
};
using MagicPtr = std::unique_ptr<std::remove_pointer_t<magic_t>, MagicCloser>;

// libmagic's cookies are not shared between threads: one per thread, loaded once.
magic_t ThreadCookie() {
  thread_local MagicPtr cookie = [] {
    MagicPtr m(magic_open(MAGIC_MIME_TYPE | MAGIC_ERROR));
    if (m != nullptr && magic_load(m.get(), nullptr) != 0) m.reset();
    return m;
  }();
  return cookie.get();
}

std::string Sha256Hex(absl::string_view content) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(content.data()), content.size(), digest);
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), sizeof(digest)));
}

// "image/jpeg; charset=binary" -> "image/jpeg"; lowercase.
std::string BareType(absl::string_view type) {
  type = type.substr(0, type.find(';'));
  return absl::AsciiStrToLower(absl::StripAsciiWhitespace(type));
}

constexpr pg::Query kInsertFile{"files_insert", R"sql(
INSERT INTO files (sha256, mime_type, size, kind, created_at)
VALUES ($1, $2, $3, $4, to_timestamp($5::numeric / 1000000)) ON CONFLICT (sha256) DO NOTHING)sql"};
constexpr pg::Query kFindFile{"files_find", R"sql(
SELECT sha256, mime_type, size, kind, (extract(epoch FROM created_at) * 1000000)::bigint
FROM files WHERE sha256 = $1)sql"};
constexpr pg::Query kPutContent{"files_put_content", R"sql(
INSERT INTO file_contents (sha256, content) VALUES ($1, $2) ON CONFLICT (sha256) DO NOTHING)sql"};
constexpr pg::Query kGetContent{"files_get_content",
                                "SELECT content FROM file_contents WHERE sha256 = $1"};

StoredFile FileFromRow(const pg::Result& r) {
  StoredFile f;
  f.sha256 = std::string(r.Text(0, 0));
  f.mime_type = std::string(r.Text(0, 1));
  f.size = r.Int(0, 2);
  f.kind = std::string(r.Text(0, 3));
  f.created = absl::FromUnixMicros(r.Int(0, 4));
  return f;
}

}  // namespace

bool IsSha256(absl::string_view text) {
  return text.size() == 64 && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

absl::StatusOr<std::string> DetectMimeType(absl::string_view content) {
  magic_t cookie = ThreadCookie();
  if (cookie == nullptr) return absl::InternalError("libmagic: cannot load its database");
  const char* type = magic_buffer(cookie, content.data(), content.size());
  if (type == nullptr) {
    const char* error = magic_error(cookie);
    return absl::InternalError(absl::StrCat("libmagic: ", error == nullptr ? "no answer" : error));
  }
  return BareType(type);
}

absl::Status PgContentStore::Put(pg::Transaction& tx, const std::string& sha256,
                                 absl::string_view content) {
  return tx.Exec(kPutContent, {sha256, pg::Param::Bytes(content)}).status();
}

absl::StatusOr<std::optional<std::string>> PgContentStore::Get(pg::Connection& conn,
                                                               const std::string& sha256) {
  ASSIGN_OR_RETURN(pg::Result r, conn.Exec(kGetContent, {sha256}));
  if (r.rows() == 0) return std::nullopt;
  return std::string(r.Bytes(0, 0));
}

const FileKind* Files::KindNamed(absl::string_view name) const {
  for (const FileKind& k : kinds_) {
    if (k.name == name) return &k;
  }
  return nullptr;
}

absl::StatusOr<StoredFile> Describe(const FileKind& kind, absl::string_view content,
                                    absl::string_view declared_type, absl::string_view field) {
  const std::string f(field);
  if (content.empty()) return core::InvalidArgumentError(f, "empty file");
  if (static_cast<int64_t>(content.size()) > kind.max_bytes) {
    return core::InvalidArgumentError(
        f, absl::StrCat("larger than ", kind.max_bytes, " bytes (", content.size(), ")"));
  }
  ASSIGN_OR_RETURN(std::string type, DetectMimeType(content));
  if (std::find(kind.mime_types.begin(), kind.mime_types.end(), type) == kind.mime_types.end()) {
    return core::InvalidArgumentError(f, absl::StrCat("a file of type ", type, " (accepted: ",
                                                      absl::StrJoin(kind.mime_types, ", "), ")"));
  }
  if (!declared_type.empty() && BareType(declared_type) != type) {
    return core::InvalidArgumentError(
        f, absl::StrCat("declared as ", BareType(declared_type).substr(0, 64),
                        " but the content is ", type));
  }
  StoredFile file;
  file.sha256 = Sha256Hex(content);
  file.mime_type = type;
  file.size = static_cast<int64_t>(content.size());
  file.kind = kind.name;
  return file;
}

absl::StatusOr<StoredFile> Files::Store(pg::Transaction& tx, absl::string_view kind_name,
                                        absl::string_view content, absl::string_view declared_type,
                                        absl::string_view field) {
  const FileKind* kind = KindNamed(kind_name);
  if (kind == nullptr) return absl::InternalError(absl::StrCat("no file kind ", kind_name));
  ASSIGN_OR_RETURN(StoredFile file, Describe(*kind, content, declared_type, field));
  file.created = clock_.Now();
  RETURN_IF_ERROR(tx.Exec(kInsertFile, {file.sha256, file.mime_type, file.size, file.kind,
                                        absl::StrCat(absl::ToUnixMicros(file.created))})
                      .status());
  RETURN_IF_ERROR(store_.Put(tx, file.sha256, content));
  // The first time this content was stored describes it (same bytes: same type and size).
  ASSIGN_OR_RETURN(pg::Result r, tx.Exec(kFindFile, {file.sha256}));
  if (r.rows() == 0) return absl::InternalError("the file row is missing");
  return FileFromRow(r);
}

absl::StatusOr<std::optional<StoredFile>> Files::Find(pg::Connection& conn,
                                                      const std::string& sha256) {
  if (!IsSha256(sha256)) return std::nullopt;
  ASSIGN_OR_RETURN(pg::Result r, conn.Exec(kFindFile, {sha256}));
  if (r.rows() == 0) return std::nullopt;
  return FileFromRow(r);
}

absl::StatusOr<std::string> Files::Content(pg::Connection& conn, const std::string& sha256) {
  if (!IsSha256(sha256)) return absl::NotFoundError("no such file");
  ASSIGN_OR_RETURN(std::optional<std::string> content, store_.Get(conn, sha256));
  if (!content.has_value()) return absl::NotFoundError("no such file");
  return *std::move(content);
}

std::vector<pg::Migration> Migrations() {
  auto m = pg::MigrationsFromFiles("zp_files", EmbeddedFilesMigrations());
  return m.ok() ? *std::move(m) : std::vector<pg::Migration>{};
}

}  // namespace zp::files
