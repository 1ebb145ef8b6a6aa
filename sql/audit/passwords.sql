-- audit: stored passwords (pg_authid, readable by superusers only): login
-- roles without one, and MD5 verifiers. Rows: id, object, finding.
-- PostgreSQL 13+.
SELECT 'PGDBA-SEC-001' AS id, a.rolname::text AS object,
       'superuser can log in and has no password: only pg_hba.conf stands between a client and it' AS finding
FROM pg_catalog.pg_authid a WHERE a.rolsuper AND a.rolcanlogin AND a.rolpassword IS NULL
UNION ALL
SELECT 'PGDBA-SEC-002', a.rolname::text, 'login role has no password'
FROM pg_catalog.pg_authid a WHERE NOT a.rolsuper AND a.rolcanlogin AND a.rolpassword IS NULL
UNION ALL
SELECT 'PGDBA-SEC-003', a.rolname::text, 'password is stored as an MD5 hash although SCRAM-SHA-256 is available'
FROM pg_catalog.pg_authid a WHERE a.rolpassword LIKE 'md5%'
ORDER BY 1, 2
