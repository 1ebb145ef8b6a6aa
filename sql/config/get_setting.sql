-- config get, and config set/reset before they send anything: one parameter
-- from pg_settings (names match in any case, as the server's do) with what
-- a value is checked against: type, unit, min/max, enum values; and what it
-- takes to change it (context). Columns as show_settings.sql, then the
-- details. $1 the name. Every supported server.
WITH s AS (
  SELECT p.*,
         substring(p.unit FROM '[A-Za-z]+$') AS base_unit,
         coalesce(nullif(substring(p.unit FROM '^[0-9]+'), '')::numeric, 1) AS unit_count
  FROM pg_catalog.pg_settings p
  WHERE lower(p.name) = lower($1::text)
)
SELECT s.name::text AS name,
       pg_catalog.current_setting(s.name) AS value,
       s.setting::text AS setting,
       s.unit::text AS unit,
       CASE WHEN s.vartype IN ('integer', 'real') THEN
         CASE WHEN s.setting::float8 >= 0 THEN
           (s.setting::numeric * s.unit_count
              * CASE s.base_unit WHEN 'B' THEN 1 WHEN 'kB' THEN 1024 WHEN 'MB' THEN 1048576
                                 WHEN 'GB' THEN 1073741824 WHEN 'TB' THEN 1099511627776 END)::int8
         END
       END AS bytes,
       CASE WHEN s.vartype IN ('integer', 'real') THEN
         CASE WHEN s.setting::float8 >= 0 THEN
           (s.setting::numeric * s.unit_count
              * CASE s.base_unit WHEN 'us' THEN 0.000001 WHEN 'ms' THEN 0.001 WHEN 's' THEN 1 WHEN 'min' THEN 60
                                 WHEN 'h' THEN 3600 WHEN 'd' THEN 86400 END)::float8
         END
       END AS seconds,
       s.source::text AS source,
       CASE WHEN s.sourcefile IS NOT NULL THEN s.sourcefile || ':' || s.sourceline END AS location,
       s.context::text AS context,
       s.pending_restart AS pending_restart,
       s.category::text AS category,
       s.short_desc::text AS description,
       s.extra_desc::text AS details,
       s.vartype::text AS vartype,
       s.min_val::text AS min_val,
       s.max_val::text AS max_val,
       s.enumvals::text[] AS enumvals,
       s.boot_val::text AS boot_val,
       s.reset_val::text AS reset_val
FROM s;
