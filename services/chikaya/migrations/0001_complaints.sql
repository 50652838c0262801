-- CHIKAYA: complaints, observations and suggestions. Kinds and states are the enum numbers of
-- zp.chikaya.v1 (Kind, State, SubmitterKind).

-- The catalogue of categories per kind (configurable: rows, not code).
CREATE TABLE categories (
  kind     smallint NOT NULL,
  code     text     NOT NULL,
  name_ar  text     NOT NULL,
  name_fr  text     NOT NULL,
  PRIMARY KEY (kind, code)
);
INSERT INTO categories (kind, code, name_ar, name_fr) VALUES
  (1, 'roads', 'الطرق والأرصفة', 'Voirie et trottoirs'),
  (1, 'lighting', 'الإنارة العمومية', 'Éclairage public'),
  (1, 'waste', 'النظافة وجمع النفايات', 'Propreté et collecte des déchets'),
  (1, 'water', 'الماء والتطهير', 'Eau et assainissement'),
  (1, 'civil_status', 'الحالة المدنية', 'État civil'),
  (1, 'permits', 'الرخص', 'Autorisations et permis'),
  (1, 'reception', 'الاستقبال والخدمات الإدارية', 'Accueil et services administratifs'),
  (1, 'other', 'أخرى', 'Autre'),
  (2, 'public_space', 'الفضاء العمومي', 'Espace public'),
  (2, 'services', 'جودة الخدمات', 'Qualité des services'),
  (2, 'other', 'أخرى', 'Autre'),
  (3, 'digital', 'الخدمات الرقمية', 'Services numériques'),
  (3, 'urban', 'التهيئة الحضرية', 'Aménagement urbain'),
  (3, 'other', 'أخرى', 'Autre');

-- Deadlines per kind, in days (calendar days unless business_days).
CREATE TABLE deadlines (
  kind             smallint PRIMARY KEY,
  acknowledge_days integer  NOT NULL,
  answer_days      integer  NOT NULL,
  escalation_days  integer  NOT NULL,  -- after the answer deadline, up to the region and the DGCT
  business_days    boolean  NOT NULL DEFAULT false
);
INSERT INTO deadlines (kind, acknowledge_days, answer_days, escalation_days) VALUES
  (1, 15, 60, 15), (2, 15, 60, 15), (3, 15, 60, 15);

-- Complaints: the whole zp.chikaya.v1.Complaint in `doc`, and the columns queries need.
CREATE TABLE complaints (
  id               uuid PRIMARY KEY,  -- UUIDv7: time-ordered
  reference        text NOT NULL UNIQUE,
  kind             smallint NOT NULL,
  state            smallint NOT NULL,
  authority_code   text NOT NULL,
  province_code    text NOT NULL DEFAULT '',  -- '' for a region
  region_code      text NOT NULL,
  submitter_kind   smallint NOT NULL,
  submitter        text NOT NULL DEFAULT '',
  tracking_hash    text NOT NULL DEFAULT '',  -- SHA-256 of the tracking secret (anonymous)
  assignee         text NOT NULL DEFAULT '',
  created_at       timestamptz NOT NULL,
  acknowledge_due  timestamptz NOT NULL,
  answer_due       timestamptz NOT NULL,
  overdue          boolean NOT NULL DEFAULT false,
  overdue_since    timestamptz,               -- the deadline that was missed
  escalation_level smallint NOT NULL DEFAULT 0,
  doc              bytea NOT NULL
);
CREATE INDEX complaints_authority ON complaints (authority_code, state, id);
CREATE INDEX complaints_province ON complaints (province_code, id);
CREATE INDEX complaints_submitter ON complaints (submitter, id) WHERE submitter <> '';
-- The scheduler's work: open complaints by their next deadline.
CREATE INDEX complaints_open_ack ON complaints (acknowledge_due) WHERE state IN (1, 9);
CREATE INDEX complaints_open_answer ON complaints (answer_due) WHERE state IN (1, 2, 3, 4, 9);

-- Statistics, kept current from the service's own events (stats.h): one row per territory level
-- (the authority, its province, its region, and MA) x month of submission x kind, so that any
-- level reads a few rows. Histograms count days (index 1 = day 0, the last bucket 120 days and
-- more) to give medians.
CREATE TABLE complaint_stats (
  territory        text     NOT NULL,
  period           text     NOT NULL,  -- YYYY-MM of submission
  kind             smallint NOT NULL,
  received         bigint   NOT NULL DEFAULT 0,
  answered         bigint   NOT NULL DEFAULT 0,
  answered_within  bigint   NOT NULL DEFAULT 0,
  overdue_now      bigint   NOT NULL DEFAULT 0,
  ack_hist         bigint[] NOT NULL DEFAULT array_fill(0::bigint, ARRAY[121]),
  answer_hist      bigint[] NOT NULL DEFAULT array_fill(0::bigint, ARRAY[121]),
  rating_sum       bigint   NOT NULL DEFAULT 0,
  rating_count     bigint   NOT NULL DEFAULT 0,
  PRIMARY KEY (territory, period, kind)
);
