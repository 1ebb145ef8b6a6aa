-- audit: what PUBLIC (every role, present and future) may do in this
-- database: create in schemas, read or write tables, and future objects
-- through default privileges. Rows: id, object, finding. PostgreSQL 13+.
WITH ns AS (
  SELECT n.oid, n.nspname::text AS nspname, n.nspacl, n.nspowner
  FROM pg_catalog.pg_namespace n
  WHERE n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'
), rel AS (
  SELECT pg_catalog.quote_ident(ns.nspname) || '.' || pg_catalog.quote_ident(c.relname) AS object, a.privilege_type
  FROM pg_catalog.pg_class c JOIN ns ON ns.oid = c.relnamespace
  CROSS JOIN LATERAL pg_catalog.aclexplode(c.relacl) a
  WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND c.relacl IS NOT NULL AND a.grantee = 0
)
SELECT CASE WHEN ns.nspname = 'public' THEN 'PGDBA-SEC-070' ELSE 'PGDBA-SEC-071' END AS id,
       pg_catalog.quote_ident(ns.nspname) AS object,
       'PUBLIC may create objects in the schema (and trap other roles'' unqualified names)' AS finding
FROM ns CROSS JOIN LATERAL pg_catalog.aclexplode(coalesce(ns.nspacl, pg_catalog.acldefault('n', ns.nspowner))) a
WHERE a.grantee = 0 AND a.privilege_type = 'CREATE'
UNION ALL
SELECT 'PGDBA-SEC-072', object, 'PUBLIC may read it'
FROM rel WHERE privilege_type = 'SELECT'
UNION ALL
SELECT 'PGDBA-SEC-073', object, 'PUBLIC may ' || pg_catalog.string_agg(pg_catalog.lower(privilege_type), ', '
                                                                      ORDER BY privilege_type) || ' it'
FROM rel WHERE privilege_type IN ('INSERT', 'UPDATE', 'DELETE', 'TRUNCATE')
GROUP BY object
UNION ALL
SELECT 'PGDBA-SEC-074',
       'default privileges of ' || pg_catalog.quote_ident(r.rolname) ||
         coalesce(' in schema ' || pg_catalog.quote_ident(n.nspname), ''),
       'future ' || CASE d.defaclobjtype WHEN 'r' THEN 'tables' WHEN 'S' THEN 'sequences' ELSE 'schemas' END ||
         ' grant ' || pg_catalog.string_agg(pg_catalog.lower(a.privilege_type), ', ' ORDER BY a.privilege_type) ||
         ' to PUBLIC'
FROM pg_catalog.pg_default_acl d
JOIN pg_catalog.pg_roles r ON r.oid = d.defaclrole
LEFT JOIN pg_catalog.pg_namespace n ON n.oid = d.defaclnamespace
CROSS JOIN LATERAL pg_catalog.aclexplode(d.defaclacl) a
WHERE a.grantee = 0 AND d.defaclobjtype IN ('r', 'S', 'n')
GROUP BY r.rolname, n.nspname, d.defaclobjtype
ORDER BY 1, 2
