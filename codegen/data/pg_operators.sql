-- The result type of every pg_catalog binary operator whose operand and result types are all
-- concrete: name, left type, right type, result type (format_type() spellings).
-- Regenerate with `make pg-catalogs` against the PostgreSQL major version we target (15).
SELECT o.oprname,
       format_type(o.oprleft, NULL),
       format_type(o.oprright, NULL),
       format_type(o.oprresult, NULL)
FROM pg_operator o
JOIN pg_namespace n ON n.oid = o.oprnamespace
WHERE n.nspname = 'pg_catalog'
  AND o.oprleft <> 0 AND o.oprright <> 0
  AND NOT EXISTS (SELECT 1 FROM pg_type t
                  WHERE t.oid IN (o.oprleft, o.oprright, o.oprresult) AND t.typtype = 'p')
ORDER BY 1, 2, 3;
