-- table describe: the publications relation $1 (oid) is published in
-- (named, FOR ALL TABLES, or on 15+ FOR TABLES IN SCHEMA), as
-- pg_publication_tables lists them.
-- min-server: 130000
SELECT DISTINCT p.pubname::text AS name
FROM pg_catalog.pg_publication_tables p
JOIN pg_catalog.pg_class c ON c.relname = p.tablename
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace AND n.nspname = p.schemaname
WHERE c.oid = $1::oid
ORDER BY 1;
