-- Before VACUUM FULL, CLUSTER or REINDEX of relation $1 (a name as SQL
-- spells it): the directory its new files go to (its tablespace's, the
-- database's default one when it names none, the data directory for
-- pg_default; NULL when this role may not read data_directory), and whether
-- the connection is local (a unix socket or loopback), so that directory is
-- on this host.
-- min-server: 130000
WITH rel AS (
  SELECT CASE WHEN c.reltablespace <> 0 THEN c.reltablespace
              ELSE (SELECT d.dattablespace FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database())
         END AS spc
  FROM pg_catalog.pg_class c
  WHERE c.oid = pg_catalog.to_regclass($1::text)
)
SELECT CASE WHEN t.spcname = 'pg_default'
            THEN (SELECT s.setting FROM pg_catalog.pg_settings s WHERE s.name = 'data_directory')
            ELSE pg_catalog.pg_tablespace_location(t.oid)
       END AS directory,
       t.spcname::text AS tablespace,
       pg_catalog.inet_server_addr() IS NULL
         OR pg_catalog.inet_server_addr() << '127.0.0.0/8'::inet
         OR pg_catalog.inet_server_addr() = '::1'::inet AS local
FROM rel JOIN pg_catalog.pg_tablespace t ON t.oid = rel.spc;
