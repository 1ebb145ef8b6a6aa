-- table describe: the foreign keys of other tables that reference relation
-- $1 (oid) (psql's "Referenced by"), with the referencing table and the
-- constraint's definition.
-- min-server: 130000
SELECT (pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(c.relname))::text AS "table",
       k.conname::text AS name,
       pg_catalog.pg_get_constraintdef(k.oid, true)::text AS definition,
       k.convalidated AS validated
FROM pg_catalog.pg_constraint k
JOIN pg_catalog.pg_class c ON c.oid = k.conrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE k.contype = 'f' AND k.confrelid = $1::oid AND k.conparentid = 0
ORDER BY 1, 2;
