-- check prepared-transactions: two-phase transactions waiting for COMMIT
-- PREPARED or ROLLBACK PREPARED, by age.
SELECT gid AS object, extract(epoch FROM pg_catalog.now() - prepared)::float8 AS value, NULL::float8 AS max,
       owner::text || '@' || database::text AS detail
FROM pg_catalog.pg_prepared_xacts ORDER BY 2 DESC LIMIT 20
