-- constraint add/drop: constraint $2 (name) of table $1 (oid): its type
-- letter and whether validated; no row when there is none.
-- min-server: 130000
SELECT k.contype::text AS type, k.convalidated AS validated
FROM pg_catalog.pg_constraint k
WHERE k.conrelid = $1::oid AND k.conname = $2::text;
