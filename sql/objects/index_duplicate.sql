-- index duplicate: valid indexes of the current database that another valid
-- index of the same table makes redundant. Two kinds:
--   same keys: the same access method, key and INCLUDE columns, operator
--     classes, collations, sort options, expressions and predicate. Of such
--     a pair the one reported is the one that enforces less (a plain index
--     before a unique one, before one backing a constraint), then the newer.
--   prefix: a btree index whose key columns (no expressions, no INCLUDE
--     columns, not unique) are the leading key columns of another btree
--     index with the same operator classes, collations, sort options and
--     predicate: the longer index serves its queries too.
-- One row per redundant index (the first match when several): schema, table,
-- index, size_bytes (pg_relation_size: takes the index's ACCESS SHARE lock,
-- so a session's lock_timeout bounds a wait), duplicate_of (the index that
-- makes it redundant), reason ("same keys" or "prefix"), enforces (what
-- dropping it would lose: "primary key", "unique constraint", "unique",
-- "exclusion constraint" or NULL), definition, duplicate_of_definition.
--   $1 text[]: only these schemas (NULL: every schema but the system ones).
-- min-server: 130000
WITH i AS (
  SELECT x.indexrelid, x.indrelid, c.relname AS index, c.relam, n.nspname AS schema, t.relname AS "table",
         x.indnkeyatts, x.indnatts, x.indisunique, x.indisprimary, x.indisexclusion,
         string_to_array(x.indkey::text, ' ')::int2[] AS keys,
         string_to_array(x.indclass::text, ' ')::oid[] AS opclasses,
         string_to_array(x.indcollation::text, ' ')::oid[] AS collations,
         string_to_array(x.indoption::text, ' ')::int2[] AS options,
         pg_catalog.pg_get_expr(x.indexprs, x.indrelid) AS exprs,
         pg_catalog.pg_get_expr(x.indpred, x.indrelid) AS pred,
         k.contype,
         CASE WHEN k.contype IN ('p', 'u', 'x') THEN 2 WHEN x.indisunique THEN 1 ELSE 0 END AS rank
  FROM pg_catalog.pg_index x
  JOIN pg_catalog.pg_class c ON c.oid = x.indexrelid
  JOIN pg_catalog.pg_class t ON t.oid = x.indrelid
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_catalog.pg_constraint k ON k.conindid = x.indexrelid AND k.conrelid = x.indrelid
                                      AND k.contype IN ('p', 'u', 'x')
  WHERE x.indisvalid
    AND CASE WHEN $1::text[] IS NULL
             THEN n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast'
             ELSE n.nspname = ANY ($1::text[]) END
), pairs AS (
  SELECT a.*, b.index AS keeper, b.indexrelid AS keeper_oid,
         CASE WHEN a.keys = b.keys AND a.exprs IS NOT DISTINCT FROM b.exprs THEN 'same keys' ELSE 'prefix' END
           AS reason
  FROM i a
  JOIN i b ON b.indrelid = a.indrelid AND b.indexrelid <> a.indexrelid AND b.relam = a.relam
          AND a.pred IS NOT DISTINCT FROM b.pred
  WHERE (a.keys = b.keys AND a.opclasses = b.opclasses AND a.collations = b.collations
         AND a.options = b.options AND a.exprs IS NOT DISTINCT FROM b.exprs
         AND a.indnkeyatts = b.indnkeyatts
         AND (a.rank < b.rank OR (a.rank = b.rank AND a.indexrelid > b.indexrelid)))
     OR (a.relam = (SELECT am.oid FROM pg_catalog.pg_am am WHERE am.amname = 'btree')
         AND a.exprs IS NULL AND b.exprs IS NULL AND NOT a.indisunique AND NOT a.indisexclusion
         AND a.indnatts = a.indnkeyatts AND a.indnkeyatts < b.indnkeyatts
         AND a.keys = b.keys[1:a.indnkeyatts] AND a.opclasses = b.opclasses[1:a.indnkeyatts]
         AND a.collations = b.collations[1:a.indnkeyatts] AND a.options = b.options[1:a.indnkeyatts])
)
SELECT DISTINCT ON (p.schema, p."table", p.index)
       p.schema::text AS schema,
       p."table"::text AS "table",
       p.index::text AS index,
       coalesce(pg_catalog.pg_relation_size(p.indexrelid), 0)::int8 AS size_bytes,
       p.keeper::text AS duplicate_of,
       p.reason::text AS reason,
       CASE p.contype WHEN 'p' THEN 'primary key' WHEN 'u' THEN 'unique constraint'
                      WHEN 'x' THEN 'exclusion constraint'
                      ELSE CASE WHEN p.indisunique THEN 'unique' END END::text AS enforces,
       pg_catalog.pg_get_indexdef(p.indexrelid)::text AS definition,
       pg_catalog.pg_get_indexdef(p.keeper_oid)::text AS duplicate_of_definition
FROM pairs p
ORDER BY p.schema, p."table", p.index, p.reason DESC, p.keeper;
