-- schema list: schemas of the current database with owner, table count,
-- total size and comment; system schemas only when $1 is true. PostgreSQL 10+.
-- min-server: 130000
SELECT n.nspname::text AS name,
       pg_catalog.pg_get_userbyid(n.nspowner)::text AS owner,
       count(c.oid) FILTER (WHERE c.relkind IN ('r', 'p'))::int8 AS tables,
       coalesce(sum(pg_catalog.pg_total_relation_size(c.oid))
                FILTER (WHERE c.relkind IN ('r', 'm', 'p')), 0)::int8 AS size,
       pg_catalog.obj_description(n.oid, 'pg_namespace')::text AS comment
FROM pg_catalog.pg_namespace n
LEFT JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid
WHERE $1::bool
   OR (n.nspname !~ '^pg_' AND n.nspname <> 'information_schema')
GROUP BY n.oid, n.nspname, n.nspowner
ORDER BY n.nspname;
