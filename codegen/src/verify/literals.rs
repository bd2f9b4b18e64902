//! Typed constants as PostgreSQL prints them back.
//!
//! A typed constant (a string or number cast to a type) in a default, a CHECK, a generated column or an index predicate
//! (`'[1, 10)'::int4range`, `'2 hours'::interval`, `'2e3'::float8`, `'{"b": 1, "a": 2}'::jsonb`)
//! is stored as its value and printed back through its type's output function, which re-spells
//! it, and for some types by session settings (`TimeZone`, `IntervalStyle`, `DateStyle`). No
//! static reading can know that spelling. So before comparing, `verify` asks the server:
//! each such constant in the static catalog is read as its type by the server and replaced
//! by what the type's output function prints. A constant the type rejects, or a type the server does
//! not find by that name, is left as written.

use std::collections::BTreeMap;

use sqlx::postgres::PgConnection;
use sqlx::{AssertSqlSafe, Executor, Row};

use crate::catalog::Catalog;
use crate::parse::parse_expression;
use crate::sql::expr::Expr;

/// Rewrites the typed constants of `catalog`'s expressions as the server prints them. With
/// `in_transaction`, each lookup runs in a savepoint, so one the server rejects does not end
/// the transaction.
pub async fn settle(
    conn: &mut PgConnection,
    catalog: &mut Catalog,
    in_transaction: bool,
) -> Result<(), sqlx::Error> {
    let mut printed: BTreeMap<(String, String), Option<String>> = BTreeMap::new();
    let mut texts: Vec<&mut String> = Vec::new();
    for relation in catalog.tables.iter_mut() {
        for column in &mut relation.columns {
            texts.extend(column.default.as_mut());
            texts.extend(column.generated.as_mut());
        }
        texts.extend(relation.checks.iter_mut().map(|c| &mut c.expression));
        texts.extend(relation.indexes.iter_mut().filter_map(|i| i.predicate.as_mut()));
    }
    for domain in &mut catalog.domains {
        texts.extend(domain.default.as_mut());
        texts.extend(domain.checks.iter_mut().map(|c| &mut c.expression));
    }
    for text in texts {
        let Ok(mut expr) = parse_expression(text) else {
            continue;
        };
        let constants = constants(&expr);
        if constants.is_empty() {
            continue;
        }
        for key in constants {
            if let std::collections::btree_map::Entry::Vacant(slot) = printed.entry(key) {
                let (value, ty) = slot.key();
                let shown = print(conn, value, ty, in_transaction).await?;
                slot.insert(shown);
            }
        }
        expr.walk_mut(&mut |e| {
            let (value, ty) = match e {
                Expr::Cast { expr, data_type } => match expr.as_mut() {
                    Expr::String(value) | Expr::Number(value) => (value, &data_type.written),
                    _ => return,
                },
                Expr::Typed { data_type, value } => (value, &data_type.written),
                _ => return,
            };
            if let Some(Some(shown)) = printed.get(&(value.clone(), ty.clone())) {
                *value = shown.clone();
            }
        });
        *text = expr.to_string();
    }
    Ok(())
}

/// The (text, type) of every typed constant in `expr`: a string or number cast to a type, or
/// a typed literal (`DATE '2024-01-01'`).
fn constants(expr: &Expr) -> Vec<(String, String)> {
    let mut out = Vec::new();
    expr.walk(&mut |e| match e {
        Expr::Cast { expr, data_type } => {
            if let Expr::String(value) | Expr::Number(value) = expr.as_ref() {
                out.push((value.clone(), data_type.written.clone()));
            }
        }
        Expr::Typed { data_type, value } => out.push((value.clone(), data_type.written.clone())),
        _ => {}
    });
    out
}

/// What the server prints for `value` read as `ty`; `None` when it cannot.
async fn print(
    conn: &mut PgConnection,
    value: &str,
    ty: &str,
    in_transaction: bool,
) -> Result<Option<String>, sqlx::Error> {
    if in_transaction {
        conn.execute("SAVEPOINT stagely_literal").await?;
    }
    // The simple protocol returns values in text form: the type's output function, as
    // pg_get_expr uses (a cast to text is another function for some types, `inet` among them).
    let quoted = format!("'{}'", value.replace('\'', "''"));
    let sql = format!("SELECT CAST({quoted} AS {ty})");
    let result = sqlx::raw_sql(AssertSqlSafe(sql)).fetch_optional(&mut *conn).await;
    let outcome = match result {
        Ok(Some(row)) => Ok(row
            .try_get_raw(0)
            .ok()
            .and_then(|v| v.as_str().ok().map(str::to_string))),
        Ok(None) | Err(sqlx::Error::Database(_)) => Ok(None),
        Err(e) => return Err(e),
    };
    if in_transaction {
        conn.execute("ROLLBACK TO SAVEPOINT stagely_literal").await?;
        conn.execute("RELEASE SAVEPOINT stagely_literal").await?;
    }
    outcome
}
