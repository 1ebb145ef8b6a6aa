-- db size: size of one database ($1) or of all ($1 IS NULL), largest first.
-- PostgreSQL 10+.
-- min-server: 130000
SELECT d.datname::text AS name,
       CASE WHEN pg_catalog.has_database_privilege(d.oid, 'CONNECT')
            THEN pg_catalog.pg_database_size(d.oid) END::int8 AS size
FROM pg_catalog.pg_database d
WHERE $1::text IS NULL OR d.datname = $1::text
ORDER BY 2 DESC NULLS LAST, 1;
