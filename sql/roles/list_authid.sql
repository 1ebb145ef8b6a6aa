-- role list, for a role that may read pg_authid (a superuser): list.sql
-- plus whether a password is set and its kind, from the stored verifier's
-- prefix (never the verifier itself). $1 bool: include the pg_* roles.
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
       CASE WHEN a.rolpassword IS NULL THEN 'none' ELSE 'set' END AS password,
       CASE WHEN a.rolpassword LIKE 'SCRAM-SHA-256$%' THEN 'scram-sha-256'
            WHEN a.rolpassword LIKE 'md5%' THEN 'md5'
            WHEN a.rolpassword IS NOT NULL THEN 'plain' END AS password_type
FROM pg_catalog.pg_roles r
JOIN pg_catalog.pg_authid a ON a.oid = r.oid
WHERE $1::bool OR r.rolname !~ '^pg_'
ORDER BY 1;
