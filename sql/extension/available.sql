-- extension available: the extensions the server's files offer
-- (pg_available_extensions): default version, the version installed in the
-- current database if any, whether creating it needs superuser (trusted
-- ones do not, 13+), comment.
-- min-server: 130000
SELECT a.name::text AS name,
       a.default_version::text AS default_version,
       a.installed_version::text AS installed_version,
       coalesce((SELECT bool_and(v.superuser AND NOT v.trusted)
                 FROM pg_catalog.pg_available_extension_versions v
                 WHERE v.name = a.name AND v.version = a.default_version), true) AS needs_superuser,
       a.comment::text AS comment
FROM pg_catalog.pg_available_extensions a
ORDER BY 1;
