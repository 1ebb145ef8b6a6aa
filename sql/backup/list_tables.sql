-- backup: the ordinary tables a database dump holds (not the catalogs, not
-- tables an extension owns), whose row counts the manifest records.
-- Partitions are counted as their own tables, partitioned parents not.
-- PostgreSQL 13+.
-- min-server: 130000
SELECT n.nspname::text AS schema, c.relname::text AS "table"
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind = 'r'
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname !~ '^pg_toast'
  AND n.nspname !~ '^pg_temp_'
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
                  WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
                    AND d.objid = c.oid AND d.deptype = 'e')
ORDER BY 1, 2
