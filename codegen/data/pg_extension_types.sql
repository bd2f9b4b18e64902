-- The types each extension makes, in a scratch database where every extension the server has
-- was created: extension name, then the type's name (typname), empty for an extension that
-- makes none. Array types of these types are not listed; they come with their element.
-- Regenerate with `make pg-catalogs` against the PostgreSQL major version we target (15).
SELECT e.extname, coalesce(t.typname, '')
FROM pg_extension e
LEFT JOIN pg_depend d ON d.refobjid = e.oid AND d.refclassid = 'pg_extension'::regclass
                     AND d.deptype = 'e' AND d.classid = 'pg_type'::regclass
LEFT JOIN pg_type t ON t.oid = d.objid
ORDER BY 1, 2;
