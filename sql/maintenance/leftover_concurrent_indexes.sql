-- The invalid indexes a failed REINDEX ... CONCURRENTLY left on table $1
-- (regclass text): the new copy it was building (<index>_ccnew[N]) or the
-- old one it had swapped out (<index>_ccold[N]). Both are useless and cost
-- every write to the table until dropped.
-- min-server: 130000
SELECT n.nspname::text AS schema, c.relname::text AS index
FROM pg_catalog.pg_index i
JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE i.indrelid = pg_catalog.to_regclass($1)
  AND NOT i.indisvalid
  AND c.relname ~ '_cc(new|old)[0-9]*$'
ORDER BY 1;
