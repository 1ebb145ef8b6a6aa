-- reindex: the size of what was rebuilt afterwards, $1 a table or an index
-- (regclass text): a table's indexes, or the index itself.
-- min-server: 130000
SELECT CASE WHEN c.relkind = 'i' THEN pg_catalog.pg_relation_size(c.oid)
            ELSE pg_catalog.pg_indexes_size(c.oid) END::int8 AS size
FROM pg_catalog.pg_class c
WHERE c.oid = pg_catalog.to_regclass($1);
