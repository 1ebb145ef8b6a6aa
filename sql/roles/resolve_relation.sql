-- grant/revoke --table/--sequence: a relation named as SQL spells it,
-- resolved on the user's search_path: its schema, name and kind; no row when
-- there is none.
-- min-server: 130000
SELECT n.nspname::text AS schema, c.relname::text AS name,
       c.relkind::text AS kind
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.oid = pg_catalog.to_regclass($1::text);
