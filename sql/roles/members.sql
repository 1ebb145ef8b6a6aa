-- role members ROLE: the members of role $1, with the admin option, whether
-- the membership is inherited and who granted it. From 16 inheritance is
-- per grant (pg_auth_members.inherit_option, read through to_jsonb so one
-- query serves 13-18); before, a member inherits by its own INHERIT.
-- min-server: 130000
SELECT m.rolname::text AS member,
       a.admin_option,
       coalesce((pg_catalog.to_jsonb(a) ->> 'inherit_option')::bool, m.rolinherit) AS inherit,
       g.rolname::text AS grantor
FROM pg_catalog.pg_auth_members a
JOIN pg_catalog.pg_roles r ON r.oid = a.roleid
JOIN pg_catalog.pg_roles m ON m.oid = a.member
LEFT JOIN pg_catalog.pg_roles g ON g.oid = a.grantor
WHERE r.rolname = $1::text
ORDER BY 1, 4;
