-- privileges report --on/--on-schema/--on-database/--on-function: the oid
-- of the object, resolved on the user's search_path as psql would (a
-- table or function as SQL names it, a schema or database by its exact
-- name); NULL when there is none. $1 text: relation, function, schema or
-- database; $2 text: the name.
-- min-server: 130000
SELECT CASE $1::text
         WHEN 'relation' THEN pg_catalog.to_regclass($2::text)::oid
         WHEN 'function' THEN CASE WHEN strpos($2::text, '(') > 0 THEN pg_catalog.to_regprocedure($2::text)::oid
                                   ELSE pg_catalog.to_regproc($2::text)::oid END
         WHEN 'schema' THEN (SELECT n.oid FROM pg_catalog.pg_namespace n WHERE n.nspname = $2::text)
         WHEN 'database' THEN (SELECT d.oid FROM pg_catalog.pg_database d
                               WHERE d.datname = $2::text AND d.datname = pg_catalog.current_database())
       END AS oid;
