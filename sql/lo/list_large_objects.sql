-- lo list: large objects with owner, size and comment. Reading the sizes
-- needs SELECT on pg_largeobject (superusers); see list_large_objects_no_size.
-- min-server: 130000
SELECT m.oid::int8 AS oid,
       pg_catalog.pg_get_userbyid(m.lomowner)::text AS owner,
       (SELECT COALESCE(pg_catalog.sum(pg_catalog.octet_length(l.data)), 0)
        FROM pg_catalog.pg_largeobject l WHERE l.loid = m.oid)::int8 AS size,
       pg_catalog.obj_description(m.oid, 'pg_largeobject')::text AS comment
FROM pg_catalog.pg_largeobject_metadata m
ORDER BY m.oid;
