-- role drop --reassign-to: the databases where role $1 owns objects or
-- holds privileges (pg_shdepend), plus the current one, where REASSIGN
-- OWNED also moves what is shared (databases, tablespaces).
-- Each with whether it accepts connections.
-- min-server: 130000
SELECT d.datname::text AS database, d.datallowconn AS allow_connections
FROM pg_catalog.pg_database d
WHERE d.datname = current_database()
   OR d.oid IN (SELECT s.dbid FROM pg_catalog.pg_shdepend s
                WHERE s.refclassid = 'pg_catalog.pg_authid'::regclass
                  AND s.refobjid = (SELECT oid FROM pg_catalog.pg_roles WHERE rolname = $1::text))
ORDER BY d.datname = current_database() DESC, 1;
