-- extension create/update: whether extension $1 is available on the server,
-- the version installed in the current database (NULL: none) and the
-- server's default version; no row when the server has no such extension.
-- min-server: 130000
SELECT a.installed_version::text AS installed_version, a.default_version::text AS default_version
FROM pg_catalog.pg_available_extensions a
WHERE a.name = $1::text;
