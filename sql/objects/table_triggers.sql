-- table describe: the triggers of relation $1 (oid), internal ones (those
-- behind foreign keys) left out: name, enabled (origin, always, replica,
-- disabled: as ALTER TABLE ... ENABLE sets it), definition.
-- min-server: 130000
SELECT t.tgname::text AS name,
       CASE t.tgenabled WHEN 'O' THEN 'origin' WHEN 'A' THEN 'always' WHEN 'R' THEN 'replica'
                        WHEN 'D' THEN 'disabled' END::text AS enabled,
       pg_catalog.pg_get_triggerdef(t.oid, true)::text AS definition,
       (t.tgparentid <> 0) AS inherited
FROM pg_catalog.pg_trigger t
WHERE t.tgrelid = $1::oid AND NOT t.tgisinternal
ORDER BY 1;
