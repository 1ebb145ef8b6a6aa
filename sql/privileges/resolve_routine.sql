-- privileges plan: a routine a roles file names by schema $1, name $2 and
-- argument types $3 as written ("int, text"), as the server spells its
-- identity arguments; no row when there is none.
-- min-server: 130000
SELECT pg_catalog.oidvectortypes(p.proargtypes) AS args
FROM pg_catalog.pg_proc p
WHERE p.oid = pg_catalog.to_regprocedure(pg_catalog.format('%I.%I(%s)', $1::text, $2::text, $3::text))::oid;
