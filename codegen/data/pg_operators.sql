-- Every pg_catalog binary operator: name, left type, right type, result type (format_type()
-- spellings; polymorphic ones, such as anyrange * anyrange, included).
-- Regenerate with `make pg-catalogs` against the PostgreSQL major version we target (15).
SELECT o.oprname,
       format_type(o.oprleft, NULL),
       format_type(o.oprright, NULL),
       format_type(o.oprresult, NULL)
FROM pg_operator o
JOIN pg_namespace n ON n.oid = o.oprnamespace
WHERE n.nspname = 'pg_catalog'
  AND o.oprkind = 'b'
ORDER BY 1, 2, 3;
