-- Signed documents (libs/documents). `canonical` is the signed content (zp.documents.v1.
-- SignedContent as JSON); the other columns are copies of it for queries and revocation.
CREATE TABLE document_keys (
  kid         text PRIMARY KEY,  -- RFC 7638 thumbprint of the public key
  jwk         text NOT NULL,     -- the public JWK as JSON
  first_used  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE documents (
  id                 uuid PRIMARY KEY,
  code_digest        bytea NOT NULL UNIQUE,  -- SHA-256 of the verification code: the lookup key
  code               text NOT NULL,
  kind               text NOT NULL,
  subject            text NOT NULL,
  territory          text NOT NULL,
  issued_at          timestamptz NOT NULL,
  issued_by          text NOT NULL,
  canonical          bytea NOT NULL,
  content_sha256     text NOT NULL,
  signature          text NOT NULL,
  kid                text NOT NULL REFERENCES document_keys (kid),
  revoked_at         timestamptz,
  revocation_reason  text,
  revoked_by         text
);
CREATE INDEX documents_subject ON documents (subject, issued_at);

-- What was signed never changes; a document is revoked once and never un-revoked.
CREATE FUNCTION documents_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'documents are never deleted' USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF (NEW.id, NEW.code_digest, NEW.code, NEW.kind, NEW.subject, NEW.territory, NEW.issued_at,
      NEW.issued_by, NEW.canonical, NEW.content_sha256, NEW.signature, NEW.kid)
     IS DISTINCT FROM
     (OLD.id, OLD.code_digest, OLD.code, OLD.kind, OLD.subject, OLD.territory, OLD.issued_at,
      OLD.issued_by, OLD.canonical, OLD.content_sha256, OLD.signature, OLD.kid)
     OR OLD.revoked_at IS NOT NULL THEN
    RAISE EXCEPTION 'an issued document is never changed; it may be revoked once'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER documents_guarded BEFORE UPDATE OR DELETE ON documents
  FOR EACH ROW EXECUTE FUNCTION documents_guard();
