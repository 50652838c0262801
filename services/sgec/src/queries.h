#pragma once

// The SQL of SGEC, as named prepared queries ($n parameters only). Tables: migrations/.

#include "zp/auth/territory_scope.h"
#include "zp/pg/connection.h"

namespace zp::sgec::sql {

// Bureaus -------------------------------------------------------------------------------------

// $1: zp.sgec.v1.ListBureausResponse as JSON (protobuf json_util), one row per bureau.
inline constexpr pg::Query kSeedBureaus{"sgec_seed_bureaus", R"sql(
INSERT INTO bureaus (code, commune_code, country_code, territory, name_ar, name_fr)
SELECT b->>'code', b->>'communeCode', '', b->>'communeCode', b->'name'->>'ar', b->'name'->>'fr'
FROM jsonb_array_elements($1::jsonb -> 'bureaus') AS b
ON CONFLICT (code) DO NOTHING)sql"};

inline constexpr pg::Query kInsertBureau{"sgec_insert_bureau", R"sql(
INSERT INTO bureaus (code, commune_code, country_code, territory, name_ar, name_fr)
VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (code) DO NOTHING)sql"};

inline constexpr pg::Query kGetBureau{"sgec_get_bureau", R"sql(
SELECT code, commune_code, country_code, territory, name_ar, name_fr FROM bureaus WHERE code = $1)sql"};

// $2/$3: scope (NULL = national); $4: cursor (last code); $5: limit.
inline constexpr pg::Query kListBureaus{"sgec_list_bureaus", R"sql(
SELECT code, commune_code, country_code, territory, name_ar, name_fr FROM bureaus
WHERE ($1 = '' OR commune_code = $1)
  AND )sql" ZP_IN_TERRITORY_SCOPE("territory", "$2", "$3") R"sql(
  AND code > $4
ORDER BY code LIMIT $5)sql"};

// Declarations --------------------------------------------------------------------------------

inline constexpr pg::Query kInsertDeclaration{"sgec_insert_declaration", R"sql(
INSERT INTO declarations (id, kind, state, duplicate_status, bureau_code, territory, event_date,
  subject_idcs, mother_idcs, name_ar_norm, name_lat_norm, mother_ar_norm, mother_lat_norm,
  birth_date, doc, created_at, updated_at, name_key_ar, name_key_lat, reference)
VALUES ($1, $2, $3, $4, $5, $6, $7::date, $8, $9, $10, $11, $12, $13, $14::date, $15,
        to_timestamp($16::numeric / 1000000), to_timestamp($16::numeric / 1000000), $17, $18,
        $19))sql"};

inline constexpr pg::Query kGetDeclaration{"sgec_get_declaration", R"sql(
SELECT doc, territory, cleared::text[] FROM declarations WHERE id = $1::uuid)sql"};

inline constexpr pg::Query kGetDeclarationByReference{"sgec_get_declaration_by_reference", R"sql(
SELECT doc, territory, cleared::text[] FROM declarations WHERE reference = $1)sql"};

inline constexpr pg::Query kLockDeclaration{"sgec_lock_declaration", R"sql(
SELECT doc, territory, cleared::text[] FROM declarations WHERE id = $1::uuid FOR UPDATE)sql"};

inline constexpr pg::Query kUpdateDeclaration{"sgec_update_declaration", R"sql(
UPDATE declarations SET state = $2, duplicate_status = $3, doc = $4,
  updated_at = to_timestamp($5::numeric / 1000000), cleared = $6::uuid[]
WHERE id = $1::uuid)sql"};

// $2: state (0 = every open state); $3: cursor (last id or NULL); $4: limit.
inline constexpr pg::Query kListDeclarations{"sgec_list_declarations", R"sql(
SELECT doc FROM declarations
WHERE bureau_code = $1 AND (($2::int = 0 AND state IN (1, 2, 3)) OR state = $2::int)
  AND ($3::uuid IS NULL OR id > $3::uuid)
ORDER BY id LIMIT $4)sql"};

// Duplicate candidates of a birth, among acts and open declarations: the same birth date and the
// same name key in one script (the blocking step: an index lookup), then a similar child's name
// in either script and the same mother (IDCS, or a similar name in either script).
// $1 date, $2/$3 child's names (ar/lat), $4 mother's IDCS, $5/$6 mother's names, $7 self,
// $8/$9 name keys (ar/lat).
inline constexpr pg::Query kBirthCandidates{"sgec_birth_candidates", R"sql(
WITH blocked AS (  -- one index probe per (table, script)
  SELECT id, false AS open FROM acts WHERE kind = 1 AND event_date = $1::date AND name_key_ar = $8
  UNION
  SELECT id, false FROM acts WHERE kind = 1 AND event_date = $1::date AND name_key_lat = $9
  UNION
  SELECT id, true FROM declarations
  WHERE kind = 1 AND state IN (1, 2, 3) AND event_date = $1::date AND name_key_ar = $8
  UNION
  SELECT id, true FROM declarations
  WHERE kind = 1 AND state IN (1, 2, 3) AND event_date = $1::date AND name_key_lat = $9
)
SELECT '' AS declaration_id, a.id::text AS act_id,
       a.bureau_code || '/' || a.year || '/' || a.number,
       greatest(similarity(a.name_ar_norm, $2), similarity(a.name_lat_norm, $3))::float8 AS score
FROM blocked b JOIN acts a ON a.id = b.id AND NOT b.open
WHERE (similarity(a.name_ar_norm, $2) >= 0.6 OR similarity(a.name_lat_norm, $3) >= 0.6)
  AND (($4 <> '' AND a.mother_idcs = $4) OR similarity(a.mother_ar_norm, $5) >= 0.6
       OR similarity(a.mother_lat_norm, $6) >= 0.6)
UNION ALL
SELECT d.id::text, '', '',
       greatest(similarity(d.name_ar_norm, $2), similarity(d.name_lat_norm, $3))::float8
FROM blocked b JOIN declarations d ON d.id = b.id AND b.open
WHERE d.id <> $7::uuid
  AND (similarity(d.name_ar_norm, $2) >= 0.6 OR similarity(d.name_lat_norm, $3) >= 0.6)
  AND (($4 <> '' AND d.mother_idcs = $4) OR similarity(d.mother_ar_norm, $5) >= 0.6
       OR similarity(d.mother_lat_norm, $6) >= 0.6)
ORDER BY 4 DESC LIMIT 20)sql"};

// Duplicate candidates of a death: the same deceased by IDCS, or the same date of death and name
// key with a similar name (and the same birth date when both are known).
// $1 death date, $2/$3 names, $4 deceased IDCS, $5 birth date or NULL, $6 self, $7/$8 name keys.
inline constexpr pg::Query kDeathCandidates{"sgec_death_candidates", R"sql(
SELECT '' AS declaration_id, id::text AS act_id, bureau_code || '/' || year || '/' || number,
       greatest(similarity(name_ar_norm, $2), similarity(name_lat_norm, $3))::float8 AS score
FROM acts
WHERE kind = 2
  AND (($4 <> '' AND subject_idcs = $4)
       OR (event_date = $1::date AND (name_key_ar = $7 OR name_key_lat = $8)
           AND (similarity(name_ar_norm, $2) >= 0.6 OR similarity(name_lat_norm, $3) >= 0.6)
           AND ($5::date IS NULL OR birth_date IS NULL OR birth_date = $5::date)))
UNION ALL
SELECT id::text, '', '',
       greatest(similarity(name_ar_norm, $2), similarity(name_lat_norm, $3))::float8
FROM declarations
WHERE kind = 2 AND state IN (1, 2, 3) AND id <> $6::uuid
  AND (($4 <> '' AND subject_idcs = $4)
       OR (event_date = $1::date AND (name_key_ar = $7 OR name_key_lat = $8)
           AND (similarity(name_ar_norm, $2) >= 0.6 OR similarity(name_lat_norm, $3) >= 0.6)
           AND ($5::date IS NULL OR birth_date IS NULL OR birth_date = $5::date)))
ORDER BY 4 DESC LIMIT 20)sql"};

// Registration --------------------------------------------------------------------------------

// The declaration, locked, and the lock that serialises registrations of its bureau: numbering and
// the duplicate check (a later statement, so a later snapshot) see each other.
inline constexpr pg::Query kLockDeclarationToRegister{"sgec_lock_declaration_register", R"sql(
SELECT doc, territory, cleared::text[],
       pg_advisory_xact_lock(hashtextextended('sgec_bureau:' || bureau_code, 0))::text
FROM declarations WHERE id = $1::uuid FOR UPDATE)sql"};

// One statement: the next number of (bureau, year, kind): births and deaths are numbered apart,
// as in their paper registers (the counter row stays locked until commit, and
// a rollback gives the number back), the name words ($25), the declaration marked REGISTERED
// ($24 its document), and the act; returns the number. A birth first claims its new IDCS ($6;
// NULL for a death): when that IDCS was ever assigned before, `i` is empty and the statement
// writes nothing at all (no row, no number); the caller draws another.
inline constexpr pg::Query kInsertAct{"sgec_insert_act", R"sql(
WITH i AS (
  INSERT INTO idcs_registry (idcs) SELECT $6::text WHERE $6::text IS NOT NULL
  ON CONFLICT DO NOTHING RETURNING idcs
), n AS (
  INSERT INTO act_counters (bureau_code, year, kind, last_number)
  SELECT $3, $4, $2, 1 WHERE $6::text IS NULL OR EXISTS (SELECT 1 FROM i)
  ON CONFLICT (bureau_code, year, kind) DO UPDATE SET last_number = act_counters.last_number + 1
  RETURNING last_number
), w AS (
  INSERT INTO name_words (word)
  SELECT w FROM unnest($25::text[]) AS w WHERE strpos(w, '_') = 0 AND EXISTS (SELECT 1 FROM n)
  ON CONFLICT DO NOTHING
), d AS (
  UPDATE declarations SET state = 4, doc = $24, updated_at = to_timestamp($23::numeric / 1000000)
  WHERE id = $10::uuid AND EXISTS (SELECT 1 FROM n)
)
INSERT INTO acts (id, kind, bureau_code, year, number, territory, idcs, subject_idcs, father_idcs,
  mother_idcs, declaration_id, event_date, birth_date, given_ar, family_ar, given_fr, family_fr,
  name_ar_norm, name_lat_norm, mother_ar_norm, mother_lat_norm, original, registered_by,
  registered_at, name_words, name_key_ar, name_key_lat)
SELECT $1, $2, $3, $4, n.last_number, $5, $6, $7, $8, $9, $10::uuid, $11::date, $12::date, $13,
       $14, $15, $16, $17, $18, $19, $20, $21, $22, to_timestamp($23::numeric / 1000000),
       array_to_tsvector($25::text[]), $26, $27
FROM n
RETURNING number)sql"};

// Acts ----------------------------------------------------------------------------------------

#define ZP_SGEC_ACT_COLUMNS                                                            \
  "id, kind, bureau_code, year, number, territory, coalesce(idcs, ''), subject_idcs, " \
  "father_idcs, mother_idcs, coalesce(declaration_id::text, ''), deceased, original, " \
  "registered_by, (extract(epoch FROM registered_at) * 1000000)::bigint, origin, scan_reference"

inline constexpr pg::Query kGetAct{"sgec_get_act",
                                   "SELECT " ZP_SGEC_ACT_COLUMNS " FROM acts WHERE id = $1::uuid"};
inline constexpr pg::Query kLockAct{
    "sgec_lock_act", "SELECT " ZP_SGEC_ACT_COLUMNS " FROM acts WHERE id = $1::uuid FOR UPDATE"};
inline constexpr pg::Query kLockBirthActByIdcs{
    "sgec_lock_birth_act_by_idcs",
    "SELECT " ZP_SGEC_ACT_COLUMNS " FROM acts WHERE idcs = $1 AND kind = 1 FOR UPDATE"};
inline constexpr pg::Query kGetBirthActByReference{
    "sgec_get_birth_act_by_reference",
    "SELECT " ZP_SGEC_ACT_COLUMNS
    " FROM acts "
    "WHERE bureau_code = $1 AND year = $2::int AND number = $3::int AND kind = 1"};
inline constexpr pg::Query kGetBirthActByIdcs{"sgec_get_birth_act_by_idcs",
                                              "SELECT " ZP_SGEC_ACT_COLUMNS
                                              " FROM acts WHERE idcs = $1 AND kind = 1"};

inline constexpr pg::Query kMentions{"sgec_mentions", R"sql(
SELECT doc FROM mentions WHERE act_id = $1::uuid ORDER BY sequence)sql"};

// $3: the next sequence of the act (its row is locked by the caller).
inline constexpr pg::Query kInsertMention{"sgec_insert_mention", R"sql(
INSERT INTO mentions (id, act_id, sequence, kind, doc, created_at)
VALUES ($1, $2::uuid, $3, $4, $5, to_timestamp($6::numeric / 1000000)))sql"};

// The current view's search columns after a rectification or a death; $9 the name words,
// $10/$11 the name keys.
inline constexpr pg::Query kUpdateActView{"sgec_update_act_view", R"sql(
WITH w AS (INSERT INTO name_words (word)
           SELECT w FROM unnest($9::text[]) AS w WHERE strpos(w, '_') = 0 ON CONFLICT DO NOTHING)
UPDATE acts SET given_ar = $2, family_ar = $3, given_fr = $4, family_fr = $5, name_ar_norm = $6,
  name_lat_norm = $7, deceased = $8, name_words = array_to_tsvector($9::text[]),
  name_key_ar = $10, name_key_lat = $11
WHERE id = $1::uuid)sql"};

// Search --------------------------------------------------------------------------------------

#define ZP_SGEC_SUMMARY_COLUMNS                                                           \
  "id, kind, bureau_code || '/' || year || '/' || number, coalesce(idcs, subject_idcs), " \
  "given_ar, family_ar, given_fr, family_fr, event_date::text, territory, deceased"

// Scope: $2/$3 territory codes and prefixes (NULL = national); $4: the citizen's IDCS ('' = not
// a citizen).
#define ZP_SGEC_SCOPE            \
  " AND " ZP_IN_TERRITORY_SCOPE( \
      "territory", "$2",         \
      "$3") " AND ($4 = '' OR subject_idcs = $4 OR father_idcs = $4 OR mother_idcs = $4)"

inline constexpr pg::Query kSearchByIdcs{
    "sgec_search_by_idcs",
    "SELECT " ZP_SGEC_SUMMARY_COLUMNS
    ", 1.0::float8 FROM acts "
    "WHERE subject_idcs = $1 AND ($5::int = 0 OR kind = $5::int)" ZP_SGEC_SCOPE
    " ORDER BY kind, id LIMIT 10"};

// A citizen's acts ($1: their IDCS), by id after the cursor $2, at most $3; with the relation.
inline constexpr pg::Query kMyActs{
    "sgec_my_acts",
    "SELECT " ZP_SGEC_SUMMARY_COLUMNS
    ", CASE WHEN subject_idcs = $1 THEN 1 WHEN father_idcs = $1 THEN 2 ELSE 3 END FROM acts "
    "WHERE (subject_idcs = $1 OR father_idcs = $1 OR mother_idcs = $1) "
    "AND ($2::uuid IS NULL OR id > $2::uuid) ORDER BY id LIMIT $3"};

// The resource names ("acts/<id>") of every act that carries a citizen's IDCS ($1).
inline constexpr pg::Query kMyActNames{
    "sgec_my_act_names",
    "SELECT 'acts/' || id::text FROM acts "
    "WHERE subject_idcs = $1 OR father_idcs = $1 OR mother_idcs = $1 LIMIT 10000"};

inline constexpr pg::Query kSearchByReference{
    "sgec_search_by_reference", "SELECT " ZP_SGEC_SUMMARY_COLUMNS
                                ", 1.0::float8 FROM acts "
                                "WHERE bureau_code = $1 AND year = $6 AND number = $7 AND ($5::int "
                                "= 0 OR kind = $5::int)" ZP_SGEC_SCOPE};

// Names: each word of the query ($12) becomes the set of register words similar to it (at least
// 0.5, pg_trgm, eight at most, and the word itself). Two adjacent query words become the pairs of
// their alternatives (acts.name_words holds every ordered pair of a name's words), so that
// "mohamed alaoui" reads one short posting list; a one-word query uses its alternatives alone.
// Results are ranked by the similarity of the whole name to the query ($1).
// $5 kind; $6/$7 birth-date range (of the child, or of the deceased: never a date of death);
// $8 commune; $9/$10 cursor (score, id); $11 limit.
// COLUMN is name_ar_norm or name_lat_norm.
#define ZP_SGEC_NAME_SEARCH(COLUMN)                                                          \
  "WITH words AS (SELECT w, ord FROM unnest($12::text[]) WITH ORDINALITY AS u(w, ord)),"     \
  " alts AS ("                                                                               \
  "  SELECT ord, array_append(array(SELECT word FROM name_words"                             \
  "    WHERE word % w AND word <> w AND similarity(word, w) >= 0.5"                          \
  "    ORDER BY similarity(word, w) DESC LIMIT 8), w) AS alts FROM words),"                  \
  " terms AS ("                                                                              \
  "  SELECT a.ord, string_agg(quote_literal(x || '_' || y), ' | ') AS q"                     \
  "  FROM alts a JOIN alts b ON b.ord = a.ord + 1, unnest(a.alts) x, unnest(b.alts) y"       \
  "  GROUP BY a.ord"                                                                         \
  "  UNION ALL"                                                                              \
  "  SELECT ord, (SELECT string_agg(quote_literal(x), ' | ') FROM unnest(alts) x) FROM alts" \
  "  WHERE (SELECT count(*) FROM alts) = 1)"                                                 \
  "SELECT " ZP_SGEC_SUMMARY_COLUMNS ", similarity(" COLUMN                                   \
  ", $1)::float8 AS score FROM acts "                                                        \
  "WHERE name_words @@ (SELECT string_agg('(' || q || ')', ' & ')::tsquery FROM terms)"      \
  " AND ($5::int = 0 OR kind = $5::int)" ZP_SGEC_SCOPE                                       \
  " AND ($6::date IS NULL OR birth_date >= $6::date)"                                        \
  " AND ($7::date IS NULL OR birth_date <= $7::date)"                                        \
  " AND ($8 = '' OR territory = $8)"                                                         \
  " AND ($9::float8 IS NULL OR similarity(" COLUMN                                           \
  ", $1)::float8 < $9::float8"                                                               \
  "      OR (similarity(" COLUMN                                                             \
  ", $1)::float8 = $9::float8 AND id > $10::uuid))"                                          \
  " ORDER BY score DESC, id LIMIT $11"

inline constexpr pg::Query kSearchByNameAr{"sgec_search_name_ar",
                                           ZP_SGEC_NAME_SEARCH("name_ar_norm")};
inline constexpr pg::Query kSearchByNameLat{"sgec_search_name_lat",
                                            ZP_SGEC_NAME_SEARCH("name_lat_norm")};

}  // namespace zp::sgec::sql
