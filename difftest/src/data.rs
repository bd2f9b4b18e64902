//! Random rows for the tables of a history, so that running a query can show a NULL where one
//! was said to be impossible: a few rows per table (sometimes none), NULL often in columns that
//! allow it, and values of every column's exact type otherwise. Rows PostgreSQL rejects (a
//! CHECK, a key, a foreign key) are dropped.

use stagely_codegen::catalog::{Catalog, Identity, RelationKind};

use crate::choices::Picks;
use crate::history::{State, qualified};
use crate::types::{SqlTy, quote_ident, value_of};

/// `INSERT` statements for the tables of `catalog`, from `numbers`.
pub fn rows(numbers: &[u16], catalog: &Catalog) -> Vec<String> {
    let mut p = Picks::new(numbers);
    let state = State::default();
    let mut out = Vec::new();
    for table in catalog
        .tables
        .iter()
        .filter(|r| r.kind == RelationKind::Table && r.unknown.is_none())
    {
        let columns: Vec<_> = table
            .columns
            .iter()
            .filter(|c| c.generated.is_none() && c.identity != Some(Identity::Always))
            .collect();
        let name = qualified(&table.schema, &table.name, &state, catalog);
        // Shrinks towards empty tables.
        let count = p.below(4);
        for _ in 0..count {
            if columns.is_empty() {
                out.push(format!("INSERT INTO {name} DEFAULT VALUES"));
                continue;
            }
            let values: Vec<String> = columns
                .iter()
                .map(|c| {
                    if c.nullable && !p.chance(60) {
                        "NULL".to_string()
                    } else {
                        value_of(&SqlTy::of(&c.data_type, catalog), catalog, &mut p)
                    }
                })
                .collect();
            let list: Vec<String> = columns.iter().map(|c| quote_ident(&c.name)).collect();
            out.push(format!(
                "INSERT INTO {name} ({}) VALUES ({})",
                list.join(", "),
                values.join(", ")
            ));
        }
    }
    out
}
