//! Names PostgreSQL chooses by itself, computed exactly as PostgreSQL does.
//!
//! A constraint or index without a name, a serial column's sequence, and a view column without
//! an alias all get names from fixed rules in PostgreSQL's source: `makeObjectName`,
//! `ChooseRelationName`, `ChooseConstraintName` and `ChooseIndexNameAddition` (in
//! `src/backend/commands/indexcmds.c` and `catalog/pg_constraint.c`) and `FigureColname`
//! (`parser/parse_target.c`). The rules, checked against a live server:
//! - `<table>_<columns>_<label>` with labels `pkey`, `key`, `fkey`, `check`, `idx`, `seq`;
//!   several columns are joined with `_` (`t_a_b_key`, and `t_a_b_fkey` for foreign keys);
//! - a CHECK names its column only when it reads exactly one column (`t_c_check`), else
//!   `t_check`;
//! - the result is at most 63 bytes: the longer of table part and column part is shortened
//!   first, one byte at a time, never splitting a character;
//! - on a clash the label gets a number (`key1`, `check2`); constraint names must be unique
//!   among the schema's constraints, index and sequence names among its relations (indexes
//!   backing constraints must avoid both).

use crate::sql::TypeName;
use crate::sql::expr::{Expr, SubqueryKind};
use crate::sql::query::{Query, SelectItem};

/// NAMEDATALEN - 1: the longest name PostgreSQL stores, in bytes.
pub const MAX_NAME_BYTES: usize = 63;

/// The largest `n <= len` that does not cut a character of `s` in two (PostgreSQL's
/// `pg_mbcliplen`).
fn clip(s: &str, len: usize) -> usize {
    let mut n = len.min(s.len());
    while !s.is_char_boundary(n) {
        n -= 1;
    }
    n
}

/// `name1_name2_label`, shortened to 63 bytes the way PostgreSQL's `makeObjectName` does.
pub fn make_object_name(name1: &str, name2: Option<&str>, label: &str) -> String {
    let mut name1_len = name1.len();
    let mut name2_len = name2.map_or(0, str::len);
    let mut overhead = 0;
    if !label.is_empty() {
        overhead += label.len() + 1;
    }
    if name2.is_some() {
        overhead += 1;
    }
    let available = MAX_NAME_BYTES.saturating_sub(overhead);
    while name1_len + name2_len > available {
        if name1_len > name2_len {
            name1_len -= 1;
        } else {
            name2_len -= 1;
        }
    }
    let mut name = name1[..clip(name1, name1_len)].to_string();
    if let Some(name2) = name2 {
        name.push('_');
        name.push_str(&name2[..clip(name2, name2_len)]);
    }
    if !label.is_empty() {
        name.push('_');
        name.push_str(label);
    }
    name
}

/// The first of `name1_name2_label`, `..._label1`, `..._label2`, ... for which `taken` is
/// false (`ChooseRelationName` / `ChooseConstraintName`).
pub fn choose_name(name1: &str, name2: Option<&str>, label: &str, taken: impl Fn(&str) -> bool) -> String {
    let mut pass = 0;
    let mut modified_label = label.to_string();
    loop {
        let name = make_object_name(name1, name2, &modified_label);
        if !taken(&name) {
            return name;
        }
        pass += 1;
        modified_label = format!("{label}{pass}");
    }
}

/// Column names joined with `_`, stopping once the result is a full name long
/// (`ChooseIndexNameAddition`, `ChooseForeignKeyConstraintNameAddition`).
pub fn columns_addition(columns: &[String]) -> String {
    let mut out = String::new();
    for column in columns {
        if !out.is_empty() {
            out.push('_');
        }
        out.push_str(&column[..clip(column, MAX_NAME_BYTES)]);
        if out.len() > MAX_NAME_BYTES {
            break;
        }
    }
    out
}

/// Index column names made unique within one index: `(a, a)` -> `a`, `a1`
/// (`ChooseIndexColumnNames`).
pub fn unique_index_column_names(names: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for original in names {
        let mut name = original.clone();
        let mut i = 1;
        while out.contains(&name) {
            let suffix = i.to_string();
            let keep = clip(&original, MAX_NAME_BYTES - suffix.len());
            name = format!("{}{suffix}", &original[..keep]);
            i += 1;
        }
        out.push(name);
    }
    out
}

/// The column name PostgreSQL gives an unaliased select-list entry or index expression
/// (`FigureColname`): a column's name, a function's name, `case`, `array`, a cast's type, or
/// `None` (PostgreSQL then says `?column?` for views and `expr` for indexes).
pub fn figure_column_name(expr: &Expr) -> Option<String> {
    figure(expr).0
}

/// (name, strength): strength 2 for a definite name, 1 for a fallback like `case`.
fn figure(expr: &Expr) -> (Option<String>, u8) {
    match expr {
        Expr::Column { name, .. } => (Some(name.clone()), 2),
        Expr::Function { name, .. } => (name.last().cloned(), 2),
        Expr::Extract { .. } => (Some("extract".into()), 2),
        Expr::Keyword(k) => (Some(k.to_ascii_lowercase()), 2),
        Expr::Array(_) => (Some("array".into()), 2),
        Expr::Nested(inner) => figure(inner),
        // An indirection is named after its last field, else after what it indexes.
        Expr::Field { field, .. } if field != "*" => (Some(field.clone()), 2),
        Expr::Field { expr, .. } | Expr::Subscript { expr, .. } => figure(expr),
        Expr::Cast { expr, data_type } => {
            let (name, strength) = figure(expr);
            if strength <= 1 {
                (Some(internal_type_name(data_type)), 1)
            } else {
                (name, strength)
            }
        }
        // `INTERVAL '1 day'` is a cast of a string constant to PostgreSQL.
        Expr::Typed { data_type, .. } => (Some(internal_type_name(data_type)), 1),
        // PostgreSQL names a sublink after the subquery has been analysed: EXISTS and ARRAY
        // by their keyword, a scalar subquery after its one column (`?column?` included).
        Expr::Subquery { kind, query, .. } => match kind {
            SubqueryKind::Exists => (Some("exists".into()), 2),
            SubqueryKind::Array => (Some("array".into()), 2),
            SubqueryKind::Scalar => (first_column_name(query), 2),
            SubqueryKind::In => (None, 0),
        },
        Expr::Case { otherwise, .. } => {
            let (name, strength) = otherwise.as_deref().map_or((None, 0), figure);
            if strength <= 1 {
                (Some("case".into()), 1)
            } else {
                (name, strength)
            }
        }
        _ => (None, 0),
    }
}

/// The name of a query's first result column, when the select list names it (not `*`).
fn first_column_name(query: &Query) -> Option<String> {
    match query {
        Query::Select(select) => match select.items.first()? {
            SelectItem::Expr {
                alias: Some(alias), ..
            } => Some(alias.clone()),
            SelectItem::Expr { expr, alias: None } => {
                Some(figure_column_name(expr).unwrap_or_else(|| "?column?".into()))
            }
            SelectItem::Wildcard | SelectItem::QualifiedWildcard(_) => None,
        },
        Query::SetOperation { left, .. } => first_column_name(left),
        Query::With { body, .. } => first_column_name(body),
        Query::Values(_) => Some("column1".into()),
        _ => None,
    }
}

/// The name PostgreSQL's grammar gives a written type (`integer` is `int4`, `varchar` is
/// `varchar`): the last part of the type's internal name.
pub fn internal_type_name(t: &TypeName) -> String {
    match t.name.as_str() {
        "integer" | "int" => "int4",
        "bigint" => "int8",
        "smallint" => "int2",
        "boolean" => "bool",
        "real" => "float4",
        "double precision" => "float8",
        "character varying" => "varchar",
        "character" | "char" => "bpchar",
        "timestamp with time zone" => "timestamptz",
        "timestamp without time zone" => "timestamp",
        "time with time zone" => "timetz",
        "time without time zone" => "time",
        "bit varying" => "varbit",
        "decimal" => "numeric",
        other => other,
    }
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_constraints_after_table_columns_and_label() {
        assert_eq!(make_object_name("teams", Some("slug"), "key"), "teams_slug_key");
        assert_eq!(make_object_name("teams", None, "pkey"), "teams_pkey");
        let cols = vec!["a".to_string(), "b".to_string()];
        assert_eq!(
            make_object_name("t", Some(&columns_addition(&cols)), "fkey"),
            "t_a_b_fkey"
        );
    }

    #[test]
    fn truncates_the_longer_part_first_to_63_bytes() {
        // Checked against PostgreSQL 15: CREATE TABLE <63 a> (c int UNIQUE, <62 c> int UNIQUE).
        let table = "a".repeat(63);
        assert_eq!(
            make_object_name(&table, Some("c"), "key"),
            format!("{}_c_key", "a".repeat(57))
        );
        let long = "c".repeat(62);
        assert_eq!(
            make_object_name(&table, Some(&long), "key"),
            format!("{}_{}_key", "a".repeat(29), "c".repeat(29))
        );
        assert_eq!(
            make_object_name(&table, Some(&long), "key1"),
            format!("{}_{}_key1", "a".repeat(29), "c".repeat(28))
        );
        assert_eq!(
            make_object_name(&table, None, "pkey"),
            format!("{}_pkey", "a".repeat(58))
        );
    }

    #[test]
    fn never_cuts_a_character_in_two() {
        let name = make_object_name(&"é".repeat(40), None, "pkey");
        assert!(name.len() <= MAX_NAME_BYTES);
        assert!(name.ends_with("é_pkey"));
    }

    #[test]
    fn numbers_the_label_on_collision() {
        let taken = ["t_a_check", "t_a_check1"];
        assert_eq!(
            choose_name("t", Some("a"), "check", |n| taken.contains(&n)),
            "t_a_check2"
        );
    }

    #[test]
    fn makes_index_column_names_unique() {
        assert_eq!(
            unique_index_column_names(vec!["a".into(), "a".into(), "expr".into(), "expr".into()]),
            vec!["a", "a1", "expr", "expr1"]
        );
    }
}
