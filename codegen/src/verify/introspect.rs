//! Reads the live catalog of a database from `pg_catalog` into the [`Catalog`] model.
//!
//! Types come from `format_type()`, defaults and conditions from `pg_get_expr()`, index keys
//! from `pg_get_indexdef()` column by column with `DESC`/`NULLS` from `indoption`. Objects that
//! belong to extensions (and the system schemas) are left out, as the migrations do not define
//! them.

use std::collections::BTreeMap;

use sqlx::Row;
use sqlx::postgres::PgConnection;

use crate::catalog::model::{
    Attribute, Catalog, Check, Column, ColumnRef, CompositeType, Domain, EnumType, ForeignKey, Identity,
    Index, RangeType, Reference, Relation, RelationKind, Sequence, TableRef, UniqueKey,
};

/// Schemas that hold no migration-defined objects.
const SYSTEM_SCHEMAS: &str = "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'";

/// Reads every user table, view, enum and domain of the connected database.
pub async fn introspect(conn: &mut PgConnection) -> Result<Catalog, sqlx::Error> {
    let mut catalog = Catalog::default();
    let mut by_oid: BTreeMap<u32, usize> = BTreeMap::new();

    let relations = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT c.oid::int8 AS oid, n.nspname::text AS schema, c.relname::text AS name,
                c.relkind::text AS kind, obj_description(c.oid, 'pg_class') AS comment,
                CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END AS partition_by
           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND {SYSTEM_SCHEMAS}
            AND NOT EXISTS (SELECT 1 FROM pg_depend d
                             WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
          ORDER BY 2, 3"
    )))
    .fetch_all(&mut *conn)
    .await?;
    for row in relations {
        let oid: i64 = row.try_get("oid")?;
        let kind: String = row.try_get("kind")?;
        by_oid.insert(oid as u32, catalog.tables.len());
        let kind = match kind.as_str() {
            "v" => RelationKind::View,
            "m" => RelationKind::MaterializedView,
            "f" => RelationKind::ForeignTable,
            _ => RelationKind::Table,
        };
        let mut relation = Relation::new(
            row.try_get::<String, _>("schema")?,
            row.try_get::<String, _>("name")?,
            kind,
        );
        relation.comment = row.try_get("comment")?;
        relation.partition_by = row.try_get("partition_by")?;
        catalog.tables.push(relation);
    }
    let oids: Vec<i64> = by_oid.keys().map(|o| i64::from(*o)).collect();

    let columns = sqlx::query(
        "SELECT a.attrelid::int8 AS rel, a.attname::text AS name,
                format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS not_null,
                pg_get_expr(ad.adbin, ad.adrelid) AS expr, a.attidentity::text AS identity,
                a.attgenerated::text AS generated, col_description(a.attrelid, a.attnum) AS comment
           FROM pg_attribute a
           LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
          WHERE a.attrelid::int8 = ANY($1) AND a.attnum > 0 AND NOT a.attisdropped
          ORDER BY a.attrelid, a.attnum",
    )
    .bind(&oids)
    .fetch_all(&mut *conn)
    .await?;
    for row in columns {
        let rel: i64 = row.try_get("rel")?;
        let Some(&index) = by_oid.get(&(rel as u32)) else {
            continue;
        };
        let expr: Option<String> = row.try_get("expr")?;
        let identity: String = row.try_get("identity")?;
        let generated: String = row.try_get("generated")?;
        let is_generated = !generated.is_empty();
        catalog.tables[index].columns.push(Column {
            name: row.try_get("name")?,
            data_type: row.try_get("type")?,
            nullable: !row.try_get::<bool, _>("not_null")?,
            default: if is_generated { None } else { expr.clone() },
            comment: row.try_get("comment")?,
            identity: match identity.as_str() {
                "a" => Some(Identity::Always),
                "d" => Some(Identity::ByDefault),
                _ => None,
            },
            generated: if is_generated { expr } else { None },
        });
    }

    let constraints = sqlx::query(
        "SELECT c.conrelid::int8 AS rel, c.conname::text AS name, c.contype::text AS kind,
                ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(num, ord)
                        JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.num
                       ORDER BY k.ord) AS columns,
                fn.nspname::text AS ref_schema, fc.relname::text AS ref_table,
                ARRAY(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY k(num, ord)
                        JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.num
                       ORDER BY k.ord) AS ref_columns,
                c.confdeltype::text AS on_delete,
                c.confupdtype::text AS on_update,
                pg_get_expr(c.conbin, c.conrelid) AS expr,
                c.connoinherit AS no_inherit
           FROM pg_constraint c
           LEFT JOIN pg_class fc ON fc.oid = c.confrelid
           LEFT JOIN pg_namespace fn ON fn.oid = fc.relnamespace
          WHERE c.conrelid::int8 = ANY($1) AND c.contype IN ('p', 'u', 'f', 'c')
            -- A foreign key to a partitioned table has one hidden copy per partition.
            AND NOT EXISTS (SELECT 1 FROM pg_constraint p
                             WHERE p.oid = c.conparentid AND p.conrelid = c.conrelid)
          ORDER BY c.conrelid, c.conname",
    )
    .bind(&oids)
    .fetch_all(&mut *conn)
    .await?;
    for row in constraints {
        let rel: i64 = row.try_get("rel")?;
        let Some(&index) = by_oid.get(&(rel as u32)) else {
            continue;
        };
        let relation = &mut catalog.tables[index];
        let name: String = row.try_get("name")?;
        let columns: Vec<String> = row.try_get("columns")?;
        match row.try_get::<String, _>("kind")?.as_str() {
            "p" => {
                relation.primary_key = columns;
                relation.primary_key_name = Some(name);
            }
            "u" => relation.unique.push(UniqueKey { name, columns }),
            "f" => relation.foreign_keys.push(ForeignKey {
                name,
                columns,
                references: Reference {
                    schema: row
                        .try_get::<Option<String>, _>("ref_schema")?
                        .unwrap_or_default(),
                    table: row.try_get::<Option<String>, _>("ref_table")?.unwrap_or_default(),
                    columns: row.try_get("ref_columns")?,
                },
                on_delete: referential_action(&row.try_get::<String, _>("on_delete")?),
                on_update: referential_action(&row.try_get::<String, _>("on_update")?),
                details: String::new(),
            }),
            _ => relation.checks.push(Check {
                name,
                expression: row.try_get::<Option<String>, _>("expr")?.unwrap_or_default(),
                allowed_values: None,
                no_inherit: row.try_get("no_inherit")?,
            }),
        }
    }

    let indexes = sqlx::query(
        "SELECT i.indrelid::int8 AS rel, ic.relname::text AS name, i.indisunique AS is_unique,
                ARRAY(SELECT pg_get_indexdef(i.indexrelid, k, true)
                        FROM generate_series(1, i.indnkeyatts::int) k ORDER BY k) AS keys,
                ARRAY(SELECT i.indoption[k - 1]::int4
                        FROM generate_series(1, i.indnkeyatts::int) k ORDER BY k) AS options,
                pg_get_expr(i.indpred, i.indrelid, true) AS predicate
           FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
          WHERE i.indrelid::int8 = ANY($1)
            AND NOT EXISTS (SELECT 1 FROM pg_constraint c
                             WHERE c.conindid = i.indexrelid AND c.contype IN ('p', 'u', 'x'))
          ORDER BY i.indrelid, ic.relname",
    )
    .bind(&oids)
    .fetch_all(&mut *conn)
    .await?;
    for row in indexes {
        let rel: i64 = row.try_get("rel")?;
        let Some(&index) = by_oid.get(&(rel as u32)) else {
            continue;
        };
        let keys: Vec<String> = row.try_get("keys")?;
        let options: Vec<i32> = row.try_get("options")?;
        let columns = keys
            .into_iter()
            .zip(options.into_iter().chain(std::iter::repeat(0)))
            .map(|(key, option)| {
                // indoption bit 0: DESC; bit 1: NULLS FIRST (the default for DESC).
                let desc = option & 1 != 0;
                let nulls_first = option & 2 != 0;
                let mut key = key;
                if desc {
                    key.push_str(" DESC");
                }
                match (desc, nulls_first) {
                    (true, false) => key.push_str(" NULLS LAST"),
                    (false, true) => key.push_str(" NULLS FIRST"),
                    _ => {}
                }
                key
            })
            .collect();
        catalog.tables[index].indexes.push(Index {
            name: row.try_get("name")?,
            unique: row.try_get("is_unique")?,
            columns,
            predicate: row.try_get("predicate")?,
        });
    }

    let enums = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT n.nspname::text AS schema, t.typname::text AS name,
                ARRAY(SELECT e.enumlabel::text FROM pg_enum e WHERE e.enumtypid = t.oid
                       ORDER BY e.enumsortorder) AS labels,
                obj_description(t.oid, 'pg_type') AS comment
           FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
          WHERE t.typtype = 'e' AND {SYSTEM_SCHEMAS}
            AND NOT EXISTS (SELECT 1 FROM pg_depend d
                             WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e')
          ORDER BY 1, 2"
    )))
    .fetch_all(&mut *conn)
    .await?;
    for row in enums {
        catalog.enums.push(EnumType {
            schema: row.try_get("schema")?,
            name: row.try_get("name")?,
            values: row.try_get("labels")?,
            comment: row.try_get("comment")?,
        });
    }

    let domains = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT n.nspname::text AS schema, t.typname::text AS name,
                format_type(t.typbasetype, t.typtypmod) AS type, t.typnotnull AS not_null
           FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
          WHERE t.typtype = 'd' AND {SYSTEM_SCHEMAS}
            AND NOT EXISTS (SELECT 1 FROM pg_depend d
                             WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e')
          ORDER BY 1, 2"
    )))
    .fetch_all(&mut *conn)
    .await?;
    for row in domains {
        catalog.domains.push(Domain {
            schema: row.try_get("schema")?,
            name: row.try_get("name")?,
            data_type: row.try_get("type")?,
            nullable: !row.try_get::<bool, _>("not_null")?,
            default: None,
            checks: Vec::new(),
        });
    }

    read_inheritance(conn, &mut catalog, &by_oid).await?;
    read_types(conn, &mut catalog).await?;
    catalog.sort();
    Ok(catalog)
}

/// Parents (`INHERITS`, in order) and partitions' parents.
async fn read_inheritance(
    conn: &mut PgConnection,
    catalog: &mut Catalog,
    by_oid: &BTreeMap<u32, usize>,
) -> Result<(), sqlx::Error> {
    let rows = sqlx::query(
        "SELECT i.inhrelid::int8 AS child, pn.nspname::text AS schema, p.relname::text AS name,
                c.relispartition AS partition
           FROM pg_inherits i
           JOIN pg_class c ON c.oid = i.inhrelid
           JOIN pg_class p ON p.oid = i.inhparent
           JOIN pg_namespace pn ON pn.oid = p.relnamespace
          WHERE c.relkind IN ('r', 'p', 'f')
          ORDER BY i.inhrelid, i.inhseqno",
    )
    .fetch_all(&mut *conn)
    .await?;
    for row in rows {
        let child: i64 = row.try_get("child")?;
        let Some(&index) = by_oid.get(&(child as u32)) else {
            continue;
        };
        let parent = TableRef {
            schema: row.try_get("schema")?,
            name: row.try_get("name")?,
        };
        if row.try_get::<bool, _>("partition")? {
            catalog.tables[index].partition_of = Some(parent);
        } else {
            catalog.tables[index].inherits.push(parent);
        }
    }
    Ok(())
}

/// Sequences, composite types, range types, and the defaults and checks of domains.
async fn read_types(conn: &mut PgConnection, catalog: &mut Catalog) -> Result<(), sqlx::Error> {
    let sequences = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT n.nspname::text AS schema, c.relname::text AS name, format_type(s.seqtypid, NULL) AS type,
                tn.nspname::text AS owner_schema, t.relname::text AS owner_table, a.attname::text AS owner_column
           FROM pg_class c
           JOIN pg_namespace n ON n.oid = c.relnamespace
           JOIN pg_sequence s ON s.seqrelid = c.oid
           LEFT JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid
                                AND d.refclassid = 'pg_class'::regclass AND d.refobjsubid > 0
                                AND d.deptype IN ('a', 'i')
           LEFT JOIN pg_class t ON t.oid = d.refobjid
           LEFT JOIN pg_namespace tn ON tn.oid = t.relnamespace
           LEFT JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
          WHERE c.relkind = 'S' AND {SYSTEM_SCHEMAS}
            AND NOT EXISTS (SELECT 1 FROM pg_depend e
                             WHERE e.classid = 'pg_class'::regclass AND e.objid = c.oid AND e.deptype = 'e')
          ORDER BY 1, 2"
    )))
    .fetch_all(&mut *conn)
    .await?;
    for row in sequences {
        let owner_table: Option<String> = row.try_get("owner_table")?;
        catalog.sequences.push(Sequence {
            schema: row.try_get("schema")?,
            name: row.try_get("name")?,
            data_type: row.try_get("type")?,
            owned_by: match owner_table {
                Some(table) => Some(ColumnRef {
                    schema: row
                        .try_get::<Option<String>, _>("owner_schema")?
                        .unwrap_or_default(),
                    table,
                    column: row
                        .try_get::<Option<String>, _>("owner_column")?
                        .unwrap_or_default(),
                }),
                None => None,
            },
        });
    }

    let composites = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT n.nspname::text AS schema, t.typname::text AS name,
                ARRAY(SELECT a.attname::text FROM pg_attribute a
                       WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped
                       ORDER BY a.attnum) AS names,
                ARRAY(SELECT format_type(a.atttypid, a.atttypmod) FROM pg_attribute a
                       WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped
                       ORDER BY a.attnum) AS types,
                obj_description(t.oid, 'pg_type') AS comment
           FROM pg_type t
           JOIN pg_namespace n ON n.oid = t.typnamespace
           JOIN pg_class c ON c.oid = t.typrelid
          WHERE t.typtype = 'c' AND c.relkind = 'c' AND {SYSTEM_SCHEMAS}
            AND NOT EXISTS (SELECT 1 FROM pg_depend d
                             WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e')
          ORDER BY 1, 2"
    )))
    .fetch_all(&mut *conn)
    .await?;
    for row in composites {
        let names: Vec<String> = row.try_get("names")?;
        let types: Vec<String> = row.try_get("types")?;
        catalog.composite_types.push(CompositeType {
            schema: row.try_get("schema")?,
            name: row.try_get("name")?,
            attributes: names
                .into_iter()
                .zip(types)
                .map(|(name, data_type)| Attribute { name, data_type })
                .collect(),
            comment: row.try_get("comment")?,
        });
    }

    let ranges = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT n.nspname::text AS schema, t.typname::text AS name,
                format_type(r.rngsubtype, NULL) AS subtype, m.typname::text AS multirange
           FROM pg_range r
           JOIN pg_type t ON t.oid = r.rngtypid
           JOIN pg_namespace n ON n.oid = t.typnamespace
           JOIN pg_type m ON m.oid = r.rngmultitypid
          WHERE {SYSTEM_SCHEMAS}
            AND NOT EXISTS (SELECT 1 FROM pg_depend d
                             WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e')
          ORDER BY 1, 2"
    )))
    .fetch_all(&mut *conn)
    .await?;
    for row in ranges {
        catalog.range_types.push(RangeType {
            schema: row.try_get("schema")?,
            name: row.try_get("name")?,
            subtype: row.try_get("subtype")?,
            multirange: row.try_get("multirange")?,
        });
    }

    let domain_parts = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT n.nspname::text AS schema, t.typname::text AS name, t.typdefault AS default,
                ARRAY(SELECT c.conname::text FROM pg_constraint c
                       WHERE c.contypid = t.oid AND c.contype = 'c' ORDER BY c.conname) AS check_names,
                ARRAY(SELECT pg_get_expr(c.conbin, 0) FROM pg_constraint c
                       WHERE c.contypid = t.oid AND c.contype = 'c' ORDER BY c.conname) AS check_exprs
           FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
          WHERE t.typtype = 'd' AND {SYSTEM_SCHEMAS}"
    )))
    .fetch_all(&mut *conn)
    .await?;
    for row in domain_parts {
        let (schema, name): (String, String) = (row.try_get("schema")?, row.try_get("name")?);
        let Some(domain) = catalog
            .domains
            .iter_mut()
            .find(|d| d.schema == schema && d.name == name)
        else {
            continue;
        };
        domain.default = row.try_get("default")?;
        let names: Vec<String> = row.try_get("check_names")?;
        let exprs: Vec<String> = row.try_get("check_exprs")?;
        domain.checks = names
            .into_iter()
            .zip(exprs)
            .map(|(name, expression)| Check {
                name,
                expression,
                allowed_values: None,
                no_inherit: false,
            })
            .collect();
    }
    Ok(())
}

/// A referential action as `pg_constraint` codes it (`confdeltype`, `confupdtype`).
fn referential_action(code: &str) -> String {
    match code {
        "c" => "cascade",
        "n" => "set null",
        "d" => "set default",
        "r" => "restrict",
        _ => "no action",
    }
    .to_string()
}
