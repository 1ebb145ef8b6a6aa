-- grant/revoke --table/--sequence: a relation named as SQL spells it,
-- resolved on the user's search_path, as a fully qualified quoted name with
-- its kind; no row when there is none.
-- min-server: 130000
SELECT pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(c.relname) AS qualified,
       c.relkind::text AS kind
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.oid = pg_catalog.to_regclass($1::text);
