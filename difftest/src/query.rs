//! Random queries over the folded catalog, written as query files are (`-- name: Qn :many`):
//! SELECTs (everything [`crate::select`] writes, with parameters), `INSERT ... VALUES` and
//! `INSERT ... SELECT` with `ON CONFLICT`, `UPDATE ... [FROM]` and `DELETE ... [USING]`, with
//! or without `RETURNING`.

use stagely_codegen::catalog::{Catalog, Identity, RelationKind};

use crate::choices::Forms;
use crate::expr::{Gen, Scope, Visible};
use crate::history::{State, sources};
use crate::types::{Class, SqlTy, quote_ident};

/// One query: the annotated text of a query file and the forms it used.
#[derive(Debug)]
pub struct Query {
    /// `-- name: Q1 :many` and the SQL.
    pub text: String,
    /// Forms produced.
    pub forms: Forms,
}

/// Writes query number `n` from `numbers` against `catalog` (as a new session sees it).
pub fn query(n: usize, numbers: &[u16], catalog: &Catalog) -> Query {
    let state = State::default();
    let mut g = Gen::new(numbers, catalog, sources(catalog, &state));
    g.params = Some(0);
    let tables: Vec<_> = catalog
        .tables
        .iter()
        .filter(|r| r.kind == RelationKind::Table && r.partition_by.is_none() && r.unknown.is_none())
        .collect();
    let kind = if tables.is_empty() {
        0
    } else {
        g.p.weighted(&[6, 2, 1, 2, 1])
    };
    let (sql, rows) = match kind {
        0 => {
            g.forms.saw("query: SELECT");
            (g.select(None, false, 2).sql, true)
        }
        _ => {
            let table = tables[g.p.below(tables.len())];
            let name = crate::history::qualified(&table.schema, &table.name, &state, catalog);
            let columns: Vec<Visible> = table
                .columns
                .iter()
                .map(|c| Visible {
                    sql: quote_ident(&c.name),
                    ty: SqlTy::of(&c.data_type, catalog),
                })
                .collect();
            let writable: Vec<(usize, Visible)> = table
                .columns
                .iter()
                .zip(&columns)
                .enumerate()
                .filter(|(_, (c, _))| c.generated.is_none() && c.identity != Some(Identity::Always))
                .map(|(i, (_, v))| (i, v.clone()))
                .collect();
            let (body, returning_scope) = match kind {
                1 | 2 => insert(&mut g, &name, &columns, &writable, &table.primary_key, kind == 2),
                3 => update(&mut g, &name, &columns, &writable),
                _ => delete(&mut g, &name, &columns),
            };
            let returning = returning(&mut g, &returning_scope);
            let rows = !returning.is_empty();
            (format!("{body}{returning}"), rows)
        }
    };
    let command = if rows { "many" } else { "exec" };
    Query {
        text: format!("-- name: Q{n} :{command}\n{sql};\n"),
        forms: g.forms,
    }
}

fn insert(
    g: &mut Gen<'_>,
    name: &str,
    columns: &[Visible],
    writable: &[(usize, Visible)],
    key: &[String],
    select: bool,
) -> (String, Vec<Visible>) {
    let chosen: Vec<&Visible> = writable
        .iter()
        .filter(|_| !g.p.chance(30))
        .map(|(_, v)| v)
        .collect();
    let list: Vec<String> = chosen.iter().map(|c| c.sql.clone()).collect();
    let values: Vec<String> = chosen
        .iter()
        .map(|_| {
            if g.p.chance(15) {
                g.forms.saw("query: INSERT DEFAULT");
                "DEFAULT".to_string()
            } else {
                let n = g.params.as_mut().map_or(1, |n| {
                    *n += 1;
                    *n
                });
                format!("${n}")
            }
        })
        .collect();
    let mut sql = if chosen.is_empty() {
        g.forms.saw("query: INSERT DEFAULT VALUES");
        format!("INSERT INTO {name} DEFAULT VALUES")
    } else if select && !values.contains(&"DEFAULT".to_string()) {
        g.forms.saw("query: INSERT SELECT");
        format!(
            "INSERT INTO {name} ({}) SELECT {}",
            list.join(", "),
            values.join(", ")
        )
    } else {
        g.forms.saw("query: INSERT VALUES");
        format!(
            "INSERT INTO {name} ({}) VALUES ({})",
            list.join(", "),
            values.join(", ")
        )
    };
    if g.p.chance(25) {
        if !key.is_empty() && !chosen.is_empty() && g.p.chance(50) {
            g.forms.saw("query: ON CONFLICT DO UPDATE");
            let keys: Vec<String> = key.iter().map(|k| quote_ident(k)).collect();
            let c = &chosen[0].sql;
            sql.push_str(&format!(
                " ON CONFLICT ({}) DO UPDATE SET {c} = EXCLUDED.{c}",
                keys.join(", ")
            ));
        } else {
            g.forms.saw("query: ON CONFLICT DO NOTHING");
            sql.push_str(" ON CONFLICT DO NOTHING");
        }
    }
    (sql, columns.to_vec())
}

fn update(
    g: &mut Gen<'_>,
    name: &str,
    columns: &[Visible],
    writable: &[(usize, Visible)],
) -> (String, Vec<Visible>) {
    g.forms.saw("query: UPDATE");
    let Some((_, target)) = g.p.pick(writable).cloned() else {
        return (format!("DELETE FROM {name}"), columns.to_vec());
    };
    let scope = Scope::plain(columns.to_vec());
    let value = if g.p.chance(60) {
        g.forms.saw("query: SET col = $n");
        let n = g.params.as_mut().map_or(1, |n| {
            *n += 1;
            *n
        });
        format!("${n}")
    } else {
        let class = target.ty.class;
        match class {
            Class::Enum | Class::Composite | Class::Other => target.sql.clone(),
            _ => format!("CAST({} AS {})", g.expr(&scope, class, 1), target.ty.sql),
        }
    };
    let mut sql = format!("UPDATE {name} SET {} = {value}", target.sql);
    let mut where_scope = columns.to_vec();
    if g.p.chance(20)
        && let Some(other) = g.p.pick(&g.sources).cloned()
    {
        g.forms.saw("query: UPDATE FROM");
        let alias = g.alias();
        where_scope.extend(Gen::visible(&other, &alias));
        sql.push_str(&format!(" FROM {} {alias}", other.sql));
    }
    if g.p.chance(70) {
        let cond = g.predicate(&Scope::plain(where_scope), 2);
        sql.push_str(&format!(" WHERE {cond}"));
    }
    (sql, columns.to_vec())
}

fn delete(g: &mut Gen<'_>, name: &str, columns: &[Visible]) -> (String, Vec<Visible>) {
    g.forms.saw("query: DELETE");
    let mut sql = format!("DELETE FROM {name}");
    let mut where_scope = columns.to_vec();
    if g.p.chance(20)
        && let Some(other) = g.p.pick(&g.sources).cloned()
    {
        g.forms.saw("query: DELETE USING");
        let alias = g.alias();
        where_scope.extend(Gen::visible(&other, &alias));
        sql.push_str(&format!(" USING {} {alias}", other.sql));
    }
    if g.p.chance(70) {
        let cond = g.predicate(&Scope::plain(where_scope), 2);
        sql.push_str(&format!(" WHERE {cond}"));
    }
    (sql, columns.to_vec())
}

fn returning(g: &mut Gen<'_>, columns: &[Visible]) -> String {
    if columns.is_empty() || g.p.chance(20) {
        return String::new();
    }
    if g.p.chance(40) {
        g.forms.saw("query: RETURNING *");
        return " RETURNING *".into();
    }
    g.forms.saw("query: RETURNING exprs");
    let scope = Scope::plain(columns.to_vec());
    let n = 1 + g.p.below(3);
    let items: Vec<String> = (0..n)
        .map(|i| {
            let class = g.class(&scope);
            format!("{} AS r{}", g.expr(&scope, class, 2), i + 1)
        })
        .collect();
    format!(" RETURNING {}", items.join(", "))
}
