-- db list: every database with owner, encoding, collation, size, sessions and
-- comment. PostgreSQL 10+. The size is NULL where the user may not connect.
-- min-server: 130000
SELECT d.datname::text AS name,
       pg_catalog.pg_get_userbyid(d.datdba)::text AS owner,
       pg_catalog.pg_encoding_to_char(d.encoding)::text AS encoding,
       d.datcollate::text AS collation,
       CASE WHEN pg_catalog.has_database_privilege(d.oid, 'CONNECT')
            THEN pg_catalog.pg_database_size(d.oid) END::int8 AS size,
       coalesce(a.sessions, 0)::int8 AS connections,
       d.datistemplate AS is_template,
       d.datallowconn AS allow_connections,
       pg_catalog.shobj_description(d.oid, 'pg_database')::text AS comment
FROM pg_catalog.pg_database d
LEFT JOIN (SELECT datid, count(*) AS sessions
           FROM pg_catalog.pg_stat_activity
           WHERE datid IS NOT NULL
           GROUP BY datid) a ON a.datid = d.oid
ORDER BY d.datname;
