-- column add/set-type: the storage files of a relation and its indexes
-- ($1 oid), to tell after an ALTER whether it rewrote the table and which
-- indexes it rebuilt: one row per relation, its relfilenode.
-- min-server: 130000
SELECT c.relname::text AS name, c.relkind::text AS kind, pg_catalog.pg_relation_filenode(c.oid)::int8 AS filenode
FROM pg_catalog.pg_class c
WHERE c.oid = $1::oid
   OR c.oid IN (SELECT x.indexrelid FROM pg_catalog.pg_index x WHERE x.indrelid = $1::oid)
ORDER BY c.relkind DESC, c.relname;
