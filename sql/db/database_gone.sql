-- Whether database $1 is gone or going: absent from pg_database, or locked
-- by a DROP DATABASE in progress. DROP DATABASE holds AccessExclusiveLock on
-- the database object from before it ends the sessions inside (WITH
-- (FORCE)) until it commits, so a session that lost its connection to a
-- database being dropped sees the lock even before the row is gone.
SELECT NOT EXISTS (SELECT 1 FROM pg_catalog.pg_database WHERE datname = $1::text)
       OR EXISTS (SELECT 1
                  FROM pg_catalog.pg_locks l
                  JOIN pg_catalog.pg_database d ON d.oid = l.objid
                  WHERE l.locktype = 'object' AND l.classid = 'pg_catalog.pg_database'::pg_catalog.regclass
                    AND l.objsubid = 0 AND l.mode = 'AccessExclusiveLock' AND l.granted
                    AND d.datname = $1::text) AS gone
