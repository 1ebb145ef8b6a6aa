-- extension drop: what else DROP EXTENSION ... CASCADE would drop because it
-- depends on extension $1 (oid) or on one of its members: an extension that
-- requires it, a column of its type, an index with its operator class, a view or function that uses
-- its functions, and what depends on those in turn (views over views); as
-- pg_describe_object words them. A column goes, not its table.
-- min-server: 130000
WITH RECURSIVE members AS (
  SELECT d.classid, d.objid
  FROM pg_catalog.pg_depend d
  WHERE d.refclassid = 'pg_catalog.pg_extension'::regclass AND d.refobjid = $1::oid AND d.deptype = 'e'
), dep(classid, objid, objsubid, depth) AS (
  SELECT d.classid, d.objid, d.objsubid, 1
  FROM pg_catalog.pg_depend d
  WHERE d.deptype = 'n'
    AND ((d.refclassid = 'pg_catalog.pg_extension'::regclass AND d.refobjid = $1::oid)
         OR EXISTS (SELECT 1 FROM members m WHERE d.refclassid = m.classid AND d.refobjid = m.objid))
  UNION
  -- what depends on those (a view on a column of the type); a view's rule
  -- stands for the view, so what depends on the view follows too
  SELECT d.classid, d.objid, d.objsubid, dep.depth + 1
  FROM dep
  JOIN pg_catalog.pg_depend d
    ON d.deptype = 'n'
   AND ((d.refclassid = dep.classid AND d.refobjid = dep.objid
         AND (dep.objsubid = 0 OR d.refobjsubid = dep.objsubid))
        OR (dep.classid = 'pg_catalog.pg_rewrite'::regclass
            AND d.refclassid = 'pg_catalog.pg_class'::regclass
            AND d.refobjid = (SELECT r.ev_class FROM pg_catalog.pg_rewrite r WHERE r.oid = dep.objid)))
  WHERE dep.depth < 20
),
-- a view goes whole, whether its rule or one of its columns uses the
-- extension: both stand for the view
norm AS (
  SELECT CASE WHEN dep.classid = 'pg_catalog.pg_rewrite'::regclass THEN 'pg_catalog.pg_class'::regclass
              ELSE dep.classid END AS classid,
         CASE WHEN dep.classid = 'pg_catalog.pg_rewrite'::regclass
              THEN (SELECT r.ev_class FROM pg_catalog.pg_rewrite r WHERE r.oid = dep.objid)
              ELSE dep.objid END AS objid,
         CASE WHEN dep.classid = 'pg_catalog.pg_rewrite'::regclass THEN 0
              WHEN dep.classid = 'pg_catalog.pg_class'::regclass
                   AND (SELECT c.relkind FROM pg_catalog.pg_class c WHERE c.oid = dep.objid) IN ('v', 'm') THEN 0
              ELSE dep.objsubid END AS objsubid
  FROM dep
)
SELECT DISTINCT pg_catalog.pg_describe_object(n.classid, n.objid, n.objsubid)::text AS object
FROM norm n
-- members of another extension, and what belongs to them (a domain's
-- constraints), go with that extension, which is listed itself
WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e
                  WHERE e.classid = n.classid AND e.objid = n.objid AND e.deptype = 'e')
  AND NOT EXISTS (SELECT 1
                  FROM pg_catalog.pg_depend o
                  JOIN pg_catalog.pg_depend e ON e.classid = o.refclassid AND e.objid = o.refobjid AND e.deptype = 'e'
                  WHERE o.classid = n.classid AND o.objid = n.objid AND o.deptype IN ('a', 'i'))
ORDER BY 1;
