-- Files a service keeps (libs/files): described in `files`, addressed by the SHA-256 of their
-- content; the bytes in `file_contents` while the content store is PostgreSQL. Content never
-- changes under its digest.
CREATE TABLE files (
  sha256      text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  mime_type   text NOT NULL,
  size        bigint NOT NULL CHECK (size > 0),
  kind        text NOT NULL,
  created_at  timestamptz NOT NULL
);

CREATE TABLE file_contents (
  sha256   text PRIMARY KEY,
  content  bytea NOT NULL
);
