-- The cluster's system identifier, which names it whatever host, port or
-- service it is reached by (backup manifests, the reindex history, check
-- state files). pg_control_system() may be refused to roles without
-- pg_monitor: callers use try_query and do without.
-- min-server: 130000
SELECT system_identifier::text AS system_identifier FROM pg_catalog.pg_control_system()
