-- What target list --check reports of a reachable server: its version and
-- whether it is a primary or a standby. PostgreSQL 13+.
-- min-server: 130000
SELECT pg_catalog.current_setting('server_version') AS version,
       CASE WHEN pg_catalog.pg_is_in_recovery() THEN 'standby' ELSE 'primary' END AS role
