-- lo list for a role that cannot read pg_largeobject: sizes unknown (NULL).
-- min-server: 130000
SELECT m.oid::int8 AS oid,
       pg_catalog.pg_get_userbyid(m.lomowner)::text AS owner,
       NULL::int8 AS size,
       pg_catalog.obj_description(m.oid, 'pg_largeobject')::text AS comment
FROM pg_catalog.pg_largeobject_metadata m
ORDER BY m.oid;
