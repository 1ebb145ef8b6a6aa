-- check password-expiry: login roles whose password has an expiry date,
-- seconds left (negative: expired).
SELECT rolname::text AS object, extract(epoch FROM rolvaliduntil - pg_catalog.now())::float8 AS value,
       NULL::float8 AS max, 'valid until ' || rolvaliduntil::text AS detail
FROM pg_catalog.pg_roles
WHERE rolcanlogin AND rolvaliduntil IS NOT NULL AND rolvaliduntil <> 'infinity'
ORDER BY 2
