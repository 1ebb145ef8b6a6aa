-- extension list: the extensions installed in the current database: version,
-- schema, owner, the version the server's files would install now
-- (default_version) and whether ALTER EXTENSION ... UPDATE has one to go to,
-- relocatable, comment.
-- min-server: 130000
SELECT e.extname::text AS name,
       e.extversion::text AS version,
       n.nspname::text AS schema,
       pg_catalog.pg_get_userbyid(e.extowner)::text AS owner,
       a.default_version::text AS default_version,
       (a.default_version IS NOT NULL AND a.default_version <> e.extversion) AS update_available,
       e.extrelocatable AS relocatable,
       pg_catalog.obj_description(e.oid, 'pg_extension')::text AS comment
FROM pg_catalog.pg_extension e
JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
LEFT JOIN pg_catalog.pg_available_extensions a ON a.name = e.extname
ORDER BY 1;
