//! A short text outline of a catalog, for `schema` without `--json`.

use std::fmt::Write;

use crate::catalog::model::{Catalog, RelationKind};

/// One line per relation and enum, one indented line per column: what `schema` prints for
/// people.
pub fn outline(catalog: &Catalog) -> String {
    let mut out = String::new();
    for r in &catalog.tables {
        let kind = match r.kind {
            RelationKind::Table => "table",
            RelationKind::View => "view",
            RelationKind::MaterializedView => "materialized view",
            RelationKind::ForeignTable => "foreign table",
        };
        match catalog.uncertainty(&r.schema, &r.name) {
            Some(cause) => {
                let _ = writeln!(out, "{kind} {}.{} (uncertain since {cause})", r.schema, r.name);
            }
            None => {
                let _ = writeln!(out, "{kind} {}.{}", r.schema, r.name);
            }
        }
        for c in &r.columns {
            let key = if r.primary_key.contains(&c.name) {
                " PRIMARY KEY"
            } else {
                ""
            };
            let null = if c.nullable { "" } else { " NOT NULL" };
            let default = c
                .default
                .as_deref()
                .map(|d| format!(" DEFAULT {d}"))
                .unwrap_or_default();
            let _ = writeln!(out, "    {} {}{key}{null}{default}", c.name, c.data_type);
        }
    }
    for e in &catalog.enums {
        let _ = writeln!(out, "enum {}.{} ({})", e.schema, e.name, e.values.join(", "));
    }
    // Names PostgreSQL derives from a table's (`t_*`) are in the JSON only.
    for u in catalog
        .uncertain
        .iter()
        .filter(|u| u.kind == "name" && !u.name.as_deref().is_some_and(|n| n.ends_with('*')))
    {
        let name = match (&u.schema, &u.name) {
            (Some(s), Some(n)) => format!("{s}.{n}"),
            (None, Some(n)) => n.clone(),
            (Some(s), None) => format!("everything in schema {s}"),
            (None, None) => "anything".into(),
        };
        let _ = writeln!(out, "uncertain {name} (since {})", u.cause);
    }
    out
}
