-- A relation named as SQL spells it (quoted, schema-qualified or found on
-- the user's search_path), resolved on the user's session: oid, schema,
-- name, relkind; no row when there is none.
--   $1 text: the name.
-- min-server: 130000
SELECT c.oid::int8 AS oid, n.nspname::text AS schema, c.relname::text AS name, c.relkind::text AS kind
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.oid = pg_catalog.to_regclass($1::text);
