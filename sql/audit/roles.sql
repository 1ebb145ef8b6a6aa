-- audit: role attributes, expiry and memberships in the predefined roles
-- that reach the server's files or every table (pg_roles, readable by
-- every role). $1: the password age policy in seconds, or NULL. The
-- predefined roles missing on older servers (pg_read_all_data, 14) give
-- to_regrole() NULL and no rows. Rows: id, object, finding. PostgreSQL 13+.
WITH r AS (
  SELECT r.oid, r.rolname::text AS rolname, r.rolsuper, r.rolcanlogin, r.rolcreaterole, r.rolcreatedb,
         r.rolreplication, r.rolbypassrls, r.rolconnlimit, r.rolvaliduntil
  FROM pg_catalog.pg_roles r WHERE r.rolname !~ '^pg_'
), predefined(id, name, what) AS (
  VALUES ('PGDBA-SEC-029', 'pg_read_all_data', 'can read every table, view and sequence'),
         ('PGDBA-SEC-030', 'pg_write_all_data', 'can write every table'),
         ('PGDBA-SEC-031', 'pg_read_server_files', 'can read any file the server can'),
         ('PGDBA-SEC-032', 'pg_write_server_files', 'can write any file the server can'),
         ('PGDBA-SEC-033', 'pg_execute_server_program', 'can run programs on the server as its OS user'),
         ('PGDBA-SEC-034', 'pg_signal_backend', 'can cancel and terminate other sessions')
)
SELECT 'PGDBA-SEC-005' AS id, rolname AS object, 'login role''s password never expires' AS finding
FROM r WHERE $1::float8 IS NOT NULL AND rolcanlogin AND (rolvaliduntil IS NULL OR rolvaliduntil = 'infinity')
UNION ALL
SELECT 'PGDBA-SEC-006', rolname, 'valid until ' || rolvaliduntil::text || ', beyond the password age policy'
FROM r WHERE $1::float8 IS NOT NULL AND rolcanlogin AND rolvaliduntil <> 'infinity'
  AND rolvaliduntil > pg_catalog.now() + pg_catalog.make_interval(secs => $1::float8)
UNION ALL
SELECT 'PGDBA-SEC-007', rolname, 'login role expired on ' || rolvaliduntil::text || ' but still exists'
FROM r WHERE rolcanlogin AND rolvaliduntil < pg_catalog.now()
UNION ALL
SELECT 'PGDBA-SEC-023', rolname, 'superuser' || CASE WHEN rolcanlogin THEN ' that can log in' ELSE '' END
FROM r WHERE rolsuper AND oid <> 10
UNION ALL
SELECT 'PGDBA-SEC-024', rolname, 'can create, alter and drop other roles (CREATEROLE)'
FROM r WHERE rolcreaterole AND NOT rolsuper
UNION ALL
SELECT 'PGDBA-SEC-025', rolname, 'bypasses every row-level security policy (BYPASSRLS)'
FROM r WHERE rolbypassrls AND NOT rolsuper
UNION ALL
SELECT 'PGDBA-SEC-026', rolname, 'login role with REPLICATION: can stream every byte of the cluster'
FROM r WHERE rolreplication AND rolcanlogin AND NOT rolsuper
UNION ALL
SELECT 'PGDBA-SEC-027', rolname, 'can create databases (CREATEDB)'
FROM r WHERE rolcreatedb AND NOT rolsuper
UNION ALL
SELECT 'PGDBA-SEC-028', rolname, 'login role without a connection limit'
FROM r WHERE rolcanlogin AND NOT rolsuper AND rolconnlimit = -1
UNION ALL
SELECT p.id, r.rolname, 'member of ' || p.name || ': ' || p.what
FROM predefined p JOIN r ON pg_catalog.pg_has_role(r.oid, pg_catalog.to_regrole(p.name), 'MEMBER')
WHERE NOT r.rolsuper
UNION ALL
SELECT 'PGDBA-SEC-035',
       CASE WHEN s.setrole = 0 THEN 'database ' || d.datname
            WHEN s.setdatabase = 0 THEN 'role ' || ro.rolname
            ELSE 'role ' || ro.rolname || ' in database ' || d.datname END,
       'overrides logging: ' || c
FROM pg_catalog.pg_db_role_setting s
CROSS JOIN LATERAL pg_catalog.unnest(s.setconfig) c
LEFT JOIN pg_catalog.pg_roles ro ON ro.oid = s.setrole
LEFT JOIN pg_catalog.pg_database d ON d.oid = s.setdatabase
WHERE c ~* '^(log_|pgaudit\.)'
ORDER BY 1, 2
