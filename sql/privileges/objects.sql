-- privileges plan: the objects of the current database a roles file may
-- grant on, with their owner: the database, its schemas, and the tables
-- (views, materialized views, foreign tables), sequences and routines in
-- them. System schemas and what extensions own are left out: they are not
-- the DBA's to grant on.
-- min-server: 130000
SELECT 'database'::text AS kind, NULL::text AS schema, d.datname::text AS name, ''::text AS args,
       pg_catalog.pg_get_userbyid(d.datdba)::text AS owner
FROM pg_catalog.pg_database d
WHERE d.datname = pg_catalog.current_database()
UNION ALL
SELECT 'schema', NULL, n.nspname::text, '', pg_catalog.pg_get_userbyid(n.nspowner)::text
FROM pg_catalog.pg_namespace n
WHERE n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e
                  WHERE e.classid = 'pg_catalog.pg_namespace'::regclass AND e.objid = n.oid AND e.deptype = 'e')
UNION ALL
SELECT CASE c.relkind WHEN 'S' THEN 'sequence' ELSE 'table' END, n.nspname::text, c.relname::text, '',
       pg_catalog.pg_get_userbyid(c.relowner)::text
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
  AND n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e
                  WHERE e.classid = 'pg_catalog.pg_class'::regclass AND e.objid = c.oid AND e.deptype = 'e')
UNION ALL
SELECT 'function', n.nspname::text, p.proname::text, pg_catalog.oidvectortypes(p.proargtypes),
       pg_catalog.pg_get_userbyid(p.proowner)::text
FROM pg_catalog.pg_proc p
JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'
  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e
                  WHERE e.classid = 'pg_catalog.pg_proc'::regclass AND e.objid = p.oid AND e.deptype = 'e')
ORDER BY 1, 2, 3, 4;
