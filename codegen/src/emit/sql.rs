//! SQL text the generated data access runs, built here at generation time.
//!
//! Every statement is a fixed string with `$n` placeholders: user data only ever travels as
//! bound parameters, so sqlx's `SqlSafeStr` holds for `&'static str` without escape hatches.

use crate::catalog::{Column, Relation};

/// `"name"` with embedded quotes doubled: safe for any SQL name, keywords included.
pub fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The relation as a query names it: `"teams"`, or `"other"."things"` outside `public`.
pub fn relation_ref(relation: &Relation) -> String {
    if relation.schema == "public" {
        quote_ident(&relation.name)
    } else {
        format!("{}.{}", quote_ident(&relation.schema), quote_ident(&relation.name))
    }
}

/// The select list of every column, optionally qualified by an alias (`t."id", t."slug"`).
pub fn select_list(relation: &Relation, alias: Option<&str>) -> String {
    relation
        .columns
        .iter()
        .map(|c| match alias {
            Some(a) => format!("{a}.{}", quote_ident(&c.name)),
            None => quote_ident(&c.name),
        })
        .collect::<Vec<_>>()
        .join(", ")
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_any_name() {
        assert_eq!(quote_ident("timestamp"), "\"timestamp\"");
        assert_eq!(quote_ident("we\"ird"), "\"we\"\"ird\"");
    }

    #[test]
    fn numbers_parameters() {
        assert_eq!(equals_params(&["team_id", "slug"], 1, None), "\"team_id\" = $1 AND \"slug\" = $2");
        assert_eq!(equals_params(&["id"], 3, Some("t")), "t.\"id\" = $3");
    }
}
