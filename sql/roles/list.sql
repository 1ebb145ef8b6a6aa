-- role list: every role with its attributes and the roles it is a member
-- of, from pg_roles (which anyone may read); password columns are NULL here:
-- only pg_authid shows them, and only to a superuser (list_authid.sql).
-- $1 bool: include the predefined pg_* roles.
-- min-server: 130000
SELECT r.rolname::text AS name,
       r.rolcanlogin AS login,
       r.rolsuper AS superuser,
       r.rolcreatedb AS createdb,
       r.rolcreaterole AS createrole,
       r.rolreplication AS replication,
       r.rolbypassrls AS bypassrls,
       r.rolinherit AS inherit,
       r.rolconnlimit AS connection_limit,
       r.rolvaliduntil AS valid_until,
       ARRAY(SELECT g.rolname::text FROM pg_catalog.pg_auth_members m
             JOIN pg_catalog.pg_roles g ON g.oid = m.roleid
             WHERE m.member = r.oid ORDER BY 1) AS member_of,
       NULL::text AS password,
       NULL::text AS password_type
FROM pg_catalog.pg_roles r
WHERE $1::bool OR r.rolname !~ '^pg_'
ORDER BY 1;
