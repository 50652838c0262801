#pragma once

// Attachments and documents that a service keeps (a complaint's photos, BOD mail, ROKHAS plans):
// content addressed by its SHA-256, a size limit and allowed types per kind of file, the type
// detected from the content with libmagic, never taken from the file's name. A type the client
// declares and the content contradicts is INVALID_ARGUMENT.
//
// The content itself goes to a ContentStore: the service's PostgreSQL database here
// (PgContentStore); at scale, an S3-compatible object store (Ceph RGW on Kubernetes) behind the
// same interface, the metadata staying in PostgreSQL.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "zp/core/clock.h"
#include "zp/pg/connection.h"
#include "zp/pg/migrations.h"
#include "zp/pg/transaction.h"

namespace zp::files {

// What a service accepts for one use of files.
struct FileKind {
  std::string name;                     // "complaint_photo"
  int64_t max_bytes = 0;                // larger content is refused
  std::vector<std::string> mime_types;  // allowed types, as libmagic names them ("image/jpeg")
};

struct StoredFile {
  std::string sha256;  // lowercase hex: the file's address
  std::string mime_type;
  int64_t size = 0;
  std::string kind;
  absl::Time created;
};

// The MIME type of `content` as libmagic reads it ("application/pdf", "image/png", "text/plain").
absl::StatusOr<std::string> DetectMimeType(absl::string_view content);

// What `content` would be as a file of `kind` (digest, detected type, size), without keeping it:
// INVALID_ARGUMENT naming `field` when it is empty, too large, of a type the kind does not take,
// or not of the declared type. Files::Store keeps what this accepts.
absl::StatusOr<StoredFile> Describe(const FileKind& kind, absl::string_view content,
                                    absl::string_view declared_type, absl::string_view field);

// Where the bytes are kept, by digest. Put is idempotent (one copy per content).
class ContentStore {
 public:
  virtual ~ContentStore() = default;
  // In `tx` for a store that shares the service's database; an object store writes at once (an
  // unreferenced object left by a rolled-back transaction is harmless: content-addressed).
  virtual absl::Status Put(pg::Transaction& tx, const std::string& sha256,
                           absl::string_view content) = 0;
  virtual absl::StatusOr<std::optional<std::string>> Get(pg::Connection& conn,
                                                         const std::string& sha256) = 0;
};

// The content in the table file_contents of the service's database.
class PgContentStore final : public ContentStore {
 public:
  absl::Status Put(pg::Transaction& tx, const std::string& sha256,
                   absl::string_view content) override;
  absl::StatusOr<std::optional<std::string>> Get(pg::Connection& conn,
                                                 const std::string& sha256) override;
};

class Files {
 public:
  Files(ContentStore& store, std::vector<FileKind> kinds,
        const core::Clock& clock = core::SystemClock::Instance())
      : store_(store), kinds_(std::move(kinds)), clock_(clock) {}

  // Checks and keeps `content` as a file of `kind`, in `tx`. `declared_type` (may be empty) is
  // what the client says it sends. INVALID_ARGUMENT naming `field` when the content is empty,
  // too large for the kind, of a type the kind does not take, or not of the declared type.
  // Storing the same content again answers the same file.
  absl::StatusOr<StoredFile> Store(pg::Transaction& tx, absl::string_view kind,
                                   absl::string_view content, absl::string_view declared_type,
                                   absl::string_view field);
  // The file's description, or nullopt when no file has that digest.
  absl::StatusOr<std::optional<StoredFile>> Find(pg::Connection& conn, const std::string& sha256);
  // The file's bytes (NOT_FOUND when unknown).
  absl::StatusOr<std::string> Content(pg::Connection& conn, const std::string& sha256);

  const FileKind* KindNamed(absl::string_view name) const;

 private:
  ContentStore& store_;
  const std::vector<FileKind> kinds_;
  const core::Clock& clock_;
};

// Component "zp_files": the tables files (metadata) and file_contents (PgContentStore).
std::vector<pg::Migration> Migrations();

// True for 64 lowercase hex digits.
bool IsSha256(absl::string_view text);

}  // namespace zp::files
