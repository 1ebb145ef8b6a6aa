-- privileges plan/export: the roles each of the roles named in $1 (text[])
-- is a member of, once each (from 16 one membership may be granted by
-- several grantors).
-- min-server: 130000
SELECT r.rolname::text AS name, g.rolname::text AS member_of
FROM pg_catalog.pg_auth_members m
JOIN pg_catalog.pg_roles r ON r.oid = m.member
JOIN pg_catalog.pg_roles g ON g.oid = m.roleid
WHERE r.rolname = ANY ($1::text[])
GROUP BY 1, 2
ORDER BY 1, 2;
