-- reindex --cooldown: the cluster's system identifier, which names it in
-- the rebuild history whatever host, port or service it is reached by.
-- min-server: 130000
SELECT system_identifier::text AS id FROM pg_catalog.pg_control_system();
