-- Every cast between pg_catalog types: source and target as format_type() spells them, the
-- context (e explicit only, a in assignments, i implicit) and the method (f function, b binary
-- coercible, i I/O conversion).
-- Regenerate with `make pg-catalogs` against the PostgreSQL major version we target (15).
SELECT format_type(c.castsource, NULL),
       format_type(c.casttarget, NULL),
       c.castcontext,
       c.castmethod
FROM pg_cast c
JOIN pg_type s ON s.oid = c.castsource
JOIN pg_type t ON t.oid = c.casttarget
WHERE s.typnamespace = 'pg_catalog'::regnamespace
  AND t.typnamespace = 'pg_catalog'::regnamespace
ORDER BY 1, 2;
