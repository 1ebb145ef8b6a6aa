-- audit: database-level settings judged once per server (pg_database).
-- Rows: id, object, finding. PostgreSQL 13+.
SELECT 'PGDBA-SEC-036' AS id, d.datname::text AS object,
       'template0 accepts connections: it must stay pristine for CREATE DATABASE and restores' AS finding
FROM pg_catalog.pg_database d WHERE d.datname = 'template0' AND d.datallowconn
UNION ALL
SELECT 'PGDBA-SEC-037', d.datname::text, 'PUBLIC may create schemas in the database'
FROM pg_catalog.pg_database d
CROSS JOIN LATERAL pg_catalog.aclexplode(coalesce(d.datacl, pg_catalog.acldefault('d', d.datdba))) a
WHERE a.grantee = 0 AND a.privilege_type = 'CREATE'
ORDER BY 1, 2
