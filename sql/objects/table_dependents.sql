-- table drop --cascade and truncate --cascade: what else DROP ... CASCADE
-- would drop because it depends on relation $1 (oid): views and materialized
-- views over it (through their rewrite rules, and views over those), foreign
-- keys of other tables referencing it, and other objects that name it; as
-- pg_describe_object words them. Objects of the table itself (its indexes,
-- constraints, owned sequences) go with it anyway and are not listed.
-- min-server: 130000
WITH RECURSIVE dep(classid, objid, objsubid, depth) AS (
  SELECT d.classid, d.objid, d.objsubid, 1
  FROM pg_catalog.pg_depend d
  WHERE d.refclassid = 'pg_catalog.pg_class'::regclass AND d.refobjid = $1::oid AND d.deptype = 'n'
  UNION
  -- a view's rule stands for the view; what depends on the view follows
  SELECT d.classid, d.objid, d.objsubid, dep.depth + 1
  FROM dep
  JOIN pg_catalog.pg_rewrite r ON dep.classid = 'pg_catalog.pg_rewrite'::regclass AND r.oid = dep.objid
  JOIN pg_catalog.pg_depend d ON d.refclassid = 'pg_catalog.pg_class'::regclass AND d.refobjid = r.ev_class
                             AND d.deptype = 'n'
  WHERE dep.depth < 20
), described AS (
  SELECT CASE WHEN dep.classid = 'pg_catalog.pg_rewrite'::regclass
              THEN (SELECT pg_catalog.pg_describe_object('pg_catalog.pg_class'::regclass, r.ev_class, 0)
                    FROM pg_catalog.pg_rewrite r WHERE r.oid = dep.objid)
              ELSE pg_catalog.pg_describe_object(dep.classid, dep.objid, dep.objsubid) END AS object
  FROM dep
  WHERE NOT (dep.classid = 'pg_catalog.pg_rewrite'::regclass
             AND EXISTS (SELECT 1 FROM pg_catalog.pg_rewrite r WHERE r.oid = dep.objid AND r.ev_class = $1::oid))
)
SELECT DISTINCT object::text AS object
FROM described
WHERE object IS NOT NULL
ORDER BY 1;
