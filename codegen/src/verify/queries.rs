//! Proving the typed queries on the scratch database: each is prepared, and the parameter and
//! result types PostgreSQL reports must equal the inferred ones (compared without type
//! modifiers, which a prepared statement does not report, and a result column of a domain
//! type as its base type, which is what PostgreSQL describes); a result column inferred NOT NULL
//! that PostgreSQL traces to a table column (a plain column reference: the row description
//! names its table and column) must be NOT NULL in the live catalog.

use sqlx::postgres::{PgConnection, PgTypeInfo};
use sqlx::{Either, Executor, SqlSafeStr, TypeInfo};

use super::compare::Difference;
use crate::infer::without_modifier;
use crate::queries::TypedQuery;

/// Every difference between what the queries were inferred to take and return and what
/// PostgreSQL says when it prepares them.
pub async fn prove(conn: &mut PgConnection, queries: &[TypedQuery]) -> Result<Vec<Difference>, sqlx::Error> {
    let mut out = Vec::new();
    for q in queries {
        let subject = format!("query {} ({}:{})", q.def.name, q.def.path.display(), q.def.line);
        let differ = |message: String| Difference {
            uncertain: None,
            subject: subject.clone(),
            message,
        };
        let sql = sqlx::AssertSqlSafe(q.def.positional.clone()).into_sql_str();
        let described = match (&mut *conn).describe(sql).await {
            Ok(d) => d,
            Err(sqlx::Error::Database(e)) => {
                out.push(differ(format!("PostgreSQL cannot prepare it: {}", e.message())));
                continue;
            }
            Err(e) => return Err(e),
        };
        if let Some(Either::Left(params)) = &described.parameters {
            if params.len() != q.params.len() {
                out.push(differ(format!(
                    "{} parameter(s) inferred but PostgreSQL has {}",
                    q.params.len(),
                    params.len()
                )));
            }
            for (i, (p, live)) in q.params.iter().zip(params).enumerate() {
                let live = type_name(conn, live).await?;
                if without_modifier(&p.ty) != without_modifier(&live) {
                    out.push(differ(format!(
                        "parameter ${} ({}): type is \"{}\" in the query but \"{live}\" in the database",
                        i + 1,
                        p.name,
                        p.ty
                    )));
                }
            }
        }
        if described.columns.len() != q.columns.len() {
            out.push(differ(format!(
                "{} result column(s) inferred but PostgreSQL returns {}",
                q.columns.len(),
                described.columns.len()
            )));
            continue;
        }
        for (i, (c, live)) in q.columns.iter().zip(&described.columns).enumerate() {
            use sqlx::Column;
            let inferred = c.typed.ty.clone().finish().unwrap_or_default();
            let live_type = type_name(conn, live.type_info()).await?;
            if live.name() != c.name {
                out.push(differ(format!(
                    "result column {} is named {} in the query but {} in the database",
                    i + 1,
                    c.name,
                    live.name()
                )));
            }
            // A result column of a domain type is described as the domain's base type.
            let inferred_base = base_type(conn, &inferred).await?;
            if without_modifier(&inferred_base) != without_modifier(&live_type) {
                out.push(differ(format!(
                    "result column {}: type is \"{inferred}\" in the query but \"{live_type}\" in the database",
                    c.name
                )));
            }
            // A plain column reference: PostgreSQL names its table and column.
            if !c.typed.nullable
                && let (Some(table), Some(column)) = (live.relation_id(), live.relation_attribute_no())
                && !attribute_not_null(conn, table, column).await?
            {
                out.push(differ(format!(
                    "result column {} is inferred NOT NULL but reads a table column that allows NULL",
                    c.name
                )));
            }
        }
    }
    Ok(out)
}

/// Whether the column is declared NOT NULL, when it is a table's (a view's columns are never
/// declared so, whatever they read, so they prove nothing).
async fn attribute_not_null(
    conn: &mut PgConnection,
    table: sqlx::postgres::types::Oid,
    column: i16,
) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT a.attnotnull OR c.relkind NOT IN ('r', 'p', 'f') FROM pg_attribute a \
         JOIN pg_class c ON c.oid = a.attrelid WHERE a.attrelid = $1 AND a.attnum = $2",
    )
    .bind(table)
    .bind(column)
    .fetch_optional(&mut *conn)
    .await
    .map(|found| found.unwrap_or(false))
}

/// The base type of a domain (as `format_type()` prints it), or the type itself.
async fn base_type(conn: &mut PgConnection, ty: &str) -> Result<String, sqlx::Error> {
    let base: Option<String> = sqlx::query_scalar(
        "SELECT format_type(t.typbasetype, NULL) FROM pg_type t \
         WHERE t.oid = to_regtype($1) AND t.typtype = 'd'",
    )
    .bind(ty)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(base.unwrap_or_else(|| ty.to_string()))
}

/// The `format_type()` spelling of a type PostgreSQL reported.
async fn type_name(conn: &mut PgConnection, info: &PgTypeInfo) -> Result<String, sqlx::Error> {
    match info.oid() {
        Some(oid) => {
            sqlx::query_scalar("SELECT format_type($1, NULL)")
                .bind(oid)
                .fetch_one(&mut *conn)
                .await
        }
        None => Ok(info.name().to_string()),
    }
}
