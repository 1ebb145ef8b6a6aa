-- privileges export: the databases to read, those that accept connections
-- but the templates.
-- min-server: 130000
SELECT d.datname::text AS name
FROM pg_catalog.pg_database d
WHERE d.datallowconn AND NOT d.datistemplate
ORDER BY 1;
