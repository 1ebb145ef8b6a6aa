-- table truncate --cascade: the tables whose foreign keys reference relation
-- $1 (oid), directly or through others, which TRUNCATE ... CASCADE empties
-- too.
-- min-server: 130000
WITH RECURSIVE ref(oid) AS (
  SELECT k.conrelid FROM pg_catalog.pg_constraint k WHERE k.contype = 'f' AND k.confrelid = $1::oid
  UNION
  SELECT k.conrelid FROM ref JOIN pg_catalog.pg_constraint k ON k.contype = 'f' AND k.confrelid = ref.oid
)
SELECT (pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(c.relname))::text AS "table"
FROM ref
JOIN pg_catalog.pg_class c ON c.oid = ref.oid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE ref.oid <> $1::oid
ORDER BY 1;
