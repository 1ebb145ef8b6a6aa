-- privileges plan/export: the roles named in $1 (text[]), or with $2 true
-- every role created after initdb (oid >= 16384: neither the bootstrap
-- superuser nor the predefined pg_* roles), with the attributes a roles
-- file manages (memberships.sql has their memberships).
-- min-server: 130000
SELECT r.rolname::text AS name,
       r.rolcanlogin AS login,
       r.rolsuper AS superuser,
       r.rolcreatedb AS createdb,
       r.rolcreaterole AS createrole,
       r.rolreplication AS replication,
       r.rolbypassrls AS bypassrls,
       r.rolinherit AS inherit,
       r.rolconnlimit AS connection_limit
FROM pg_catalog.pg_roles r
WHERE r.rolname = ANY ($1::text[]) OR ($2::bool AND r.oid >= 16384)
ORDER BY 1;
