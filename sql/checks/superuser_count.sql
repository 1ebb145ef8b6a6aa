-- check superuser-count: roles that can log in as superuser.
SELECT ''::text AS object, count(*)::float8 AS value, NULL::float8 AS max,
       coalesce(pg_catalog.string_agg(rolname::text, ', ' ORDER BY rolname), '') AS detail
FROM pg_catalog.pg_roles WHERE rolsuper AND rolcanlogin
