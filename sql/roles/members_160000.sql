-- role members ROLE: the members of role $1, with the admin option, whether
-- the membership is inherited (per grant from 16) and who granted it.
-- min-server: 160000
SELECT m.rolname::text AS member,
       a.admin_option,
       a.inherit_option AS inherit,
       g.rolname::text AS grantor
FROM pg_catalog.pg_auth_members a
JOIN pg_catalog.pg_roles r ON r.oid = a.roleid
JOIN pg_catalog.pg_roles m ON m.oid = a.member
LEFT JOIN pg_catalog.pg_roles g ON g.oid = a.grantor
WHERE r.rolname = $1::text
ORDER BY 1, 4;
