//! SQL text the generated data access runs, built here at generation time.
//!
//! Every statement is a fixed string with `$n` placeholders: user data only ever travels as
//! bound parameters, so sqlx's `SqlSafeStr` holds for `&'static str` without escape hatches.

use crate::catalog::{Catalog, Column, Relation};
use crate::emit::names::Names;
use crate::emit::types::column_rust_type;

/// PostgreSQL keywords that cannot stand as a bare column or table name everywhere
/// (reserved, type/function-name and column-name keywords of PostgreSQL 16), sorted for
/// [`quote_ident`]'s binary search.
const KEYWORDS: &[&str] = &[
    "all",
    "analyse",
    "analyze",
    "and",
    "any",
    "array",
    "as",
    "asc",
    "asymmetric",
    "authorization",
    "between",
    "bigint",
    "binary",
    "bit",
    "boolean",
    "both",
    "case",
    "cast",
    "char",
    "character",
    "check",
    "coalesce",
    "collate",
    "collation",
    "column",
    "concurrently",
    "constraint",
    "create",
    "cross",
    "current_catalog",
    "current_date",
    "current_role",
    "current_schema",
    "current_time",
    "current_timestamp",
    "current_user",
    "dec",
    "decimal",
    "default",
    "deferrable",
    "desc",
    "distinct",
    "do",
    "else",
    "end",
    "except",
    "exists",
    "extract",
    "false",
    "fetch",
    "float",
    "for",
    "foreign",
    "freeze",
    "from",
    "full",
    "grant",
    "greatest",
    "group",
    "grouping",
    "having",
    "ilike",
    "in",
    "initially",
    "inner",
    "inout",
    "int",
    "integer",
    "intersect",
    "interval",
    "into",
    "is",
    "isnull",
    "join",
    "json",
    "json_array",
    "json_arrayagg",
    "json_object",
    "json_objectagg",
    "lateral",
    "leading",
    "least",
    "left",
    "like",
    "limit",
    "localtime",
    "localtimestamp",
    "national",
    "natural",
    "nchar",
    "none",
    "normalize",
    "not",
    "notnull",
    "null",
    "nullif",
    "numeric",
    "offset",
    "on",
    "only",
    "or",
    "order",
    "out",
    "outer",
    "overlaps",
    "overlay",
    "placing",
    "position",
    "precision",
    "primary",
    "real",
    "references",
    "returning",
    "right",
    "row",
    "select",
    "session_user",
    "setof",
    "similar",
    "smallint",
    "some",
    "substring",
    "symmetric",
    "system_user",
    "table",
    "tablesample",
    "then",
    "time",
    "timestamp",
    "to",
    "trailing",
    "treat",
    "trim",
    "true",
    "union",
    "unique",
    "user",
    "using",
    "values",
    "varchar",
    "variadic",
    "verbose",
    "when",
    "where",
    "window",
    "with",
    "xmlattributes",
    "xmlconcat",
    "xmlelement",
    "xmlexists",
    "xmlforest",
    "xmlnamespaces",
    "xmlparse",
    "xmlpi",
    "xmlroot",
    "xmlserialize",
    "xmltable",
];

/// A SQL name as a query must spell it: bare when PostgreSQL reads it back unchanged, else
/// `"quoted"` with embedded quotes doubled (capitals, spaces, keywords such as `timestamp`).
pub fn quote_ident(name: &str) -> String {
    let plain = name.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && KEYWORDS.binary_search(&name).is_err();
    if plain {
        name.to_string()
    } else {
        format!("\"{}\"", name.replace('"', "\"\""))
    }
}

/// The relation as a query names it: `"teams"`, or `"other"."things"` outside `public`.
pub fn relation_ref(relation: &Relation) -> String {
    if relation.schema == "public" {
        quote_ident(&relation.name)
    } else {
        format!(
            "{}.{}",
            quote_ident(&relation.schema),
            quote_ident(&relation.name)
        )
    }
}

/// How a select list reads one column: `t.name`, or `t.name::text AS name` when the value
/// travels as `read_as`.
pub fn read_expr(name: &str, read_as: Option<&str>, alias: Option<&str>) -> String {
    let column = match alias {
        Some(a) => format!("{a}.{}", quote_ident(name)),
        None => quote_ident(name),
    };
    match read_as {
        Some(sql_type) => format!("{column}::{sql_type} AS {}", quote_ident(name)),
        None => column,
    }
}

/// The select list of every column, optionally qualified by an alias (`t."id", t."slug"`),
/// with the casts the columns' Rust types need (`t.search::text AS search`).
pub fn select_list(catalog: &Catalog, names: &Names, relation: &Relation, alias: Option<&str>) -> String {
    joined_select_list(relation.columns.iter().map(|c| {
        let mapping = column_rust_type(catalog, names, relation, c);
        read_expr(&c.name, mapping.read_as.as_deref(), alias)
    }))
}

/// The select list of these column reads, in order.
pub fn joined_select_list(reads: impl Iterator<Item = String>) -> String {
    let reads: Vec<String> = reads.collect();
    if reads.is_empty() {
        // A table without columns (PostgreSQL allows it): RETURNING needs something.
        return "NULL AS \"?column?\"".into();
    }
    reads.join(", ")
}

/// `"a" = $1 AND "b" = $2`, numbering from `first`.
pub fn equals_params(columns: &[&str], first: usize, alias: Option<&str>) -> String {
    columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let column = match alias {
                Some(a) => format!("{a}.{}", quote_ident(c)),
                None => quote_ident(c),
            };
            format!("{column} = ${}", first + i)
        })
        .collect::<Vec<_>>()
        .join(" AND ")
}

/// The value an insert sends for a column: `$n`, or `COALESCE($n, <default>)` when `None`
/// must mean the database default.
pub fn insert_value(column: &Column, placeholder: &str, optional_default: bool) -> String {
    match (&column.default, optional_default) {
        (Some(default), true) => format!("COALESCE({placeholder}, {default})"),
        _ => placeholder.to_string(),
    }
}

/// The array type a column's values are sent as by `insert_many` (`character varying(100)[]`).
pub fn array_type(column: &Column) -> String {
    format!("{}[]", column.data_type)
}

/// The column that marks soft-deleted rows.
pub const DELETED_AT: &str = "deleted_at";

/// Whether reads skip rows whose `deleted_at` is set (GORM's soft delete).
pub fn is_soft_deleting(relation: &Relation) -> bool {
    relation.is_table()
        && relation
            .column(DELETED_AT)
            .is_some_and(|c| c.nullable && c.data_type.starts_with("timestamp"))
}

/// ` AND "deleted_at" IS NULL` (qualified by `alias`) for soft-deleting tables, else nothing.
pub fn live_filter(relation: &Relation, alias: Option<&str>) -> String {
    if !is_soft_deleting(relation) {
        return String::new();
    }
    match alias {
        Some(a) => format!(" AND {a}.{} IS NULL", quote_ident(DELETED_AT)),
        None => format!(" AND {} IS NULL", quote_ident(DELETED_AT)),
    }
}

/// `ORDER BY` the primary key (or the first column when there is none).
pub fn order_by(relation: &Relation, alias: Option<&str>) -> String {
    let keys: Vec<&str> = if relation.primary_key.is_empty() {
        // The first column that has a default ordering (not json, xml or a geometric type).
        relation
            .columns
            .iter()
            .find(|c| orderable(&c.data_type))
            .map(|c| c.name.as_str())
            .into_iter()
            .collect()
    } else {
        relation.primary_key.iter().map(String::as_str).collect()
    };
    let keys: Vec<String> = keys
        .iter()
        .map(|k| match alias {
            Some(a) => format!("{a}.{}", quote_ident(k)),
            None => quote_ident(k),
        })
        .collect();
    if keys.is_empty() {
        return String::new();
    }
    format!(" ORDER BY {}", keys.join(", "))
}

/// Whether PostgreSQL has a default sort order for the type (so `ORDER BY` it works).
fn orderable(sql_type: &str) -> bool {
    let element = sql_type.trim_end_matches("[]");
    !matches!(
        element,
        "json" | "xml" | "point" | "line" | "lseg" | "box" | "path" | "polygon" | "circle" | "hstore"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_are_sorted_for_the_binary_search() {
        assert!(KEYWORDS.is_sorted(), "keep KEYWORDS sorted");
        assert_eq!(quote_ident("select"), "\"select\"");
        assert_eq!(quote_ident("zone"), "zone");
    }

    #[test]
    fn quotes_only_names_that_need_it() {
        assert_eq!(quote_ident("slug"), "slug");
        assert_eq!(quote_ident("team_id2"), "team_id2");
        assert_eq!(quote_ident("timestamp"), "\"timestamp\"");
        assert_eq!(quote_ident("user"), "\"user\"");
        assert_eq!(quote_ident("userId"), "\"userId\"");
        assert_eq!(quote_ident("2fa"), "\"2fa\"");
        assert_eq!(quote_ident("we\"ird"), "\"we\"\"ird\"");
    }

    #[test]
    fn numbers_parameters() {
        assert_eq!(
            equals_params(&["team_id", "slug"], 1, None),
            "team_id = $1 AND slug = $2"
        );
        assert_eq!(equals_params(&["id"], 3, Some("t")), "t.id = $3");
    }
}
