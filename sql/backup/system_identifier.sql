-- backup: the cluster's system identifier for the manifest (pg_control_system()
-- may be refused to roles without pg_monitor: then it is left empty).
-- PostgreSQL 13+.
-- min-server: 130000
SELECT system_identifier::text AS system_identifier FROM pg_catalog.pg_control_system()
