//! `verify`: the static catalog against what PostgreSQL makes of the same migrations.
//!
//! A scratch database is created on the given server, every Up section is applied in order
//! (statement by statement over the simple protocol, autocommitted, as psql would), the live
//! catalog is read back from `pg_catalog` into the same [`Catalog`] model, the scratch
//! database is dropped (also when anything failed), and the two catalogs are compared
//! ([`compare`]).

mod compare;
mod introspect;

use std::path::Path;

use sqlx::postgres::PgConnection;
use sqlx::{AssertSqlSafe, Connection};

pub use compare::{Difference, compare};
pub use introspect::introspect;

use crate::catalog::Catalog;
use crate::diagnostic::{Diagnostic, locate};
use crate::source::{Migration, read_migrations};
use stagely_testdb::scratch::{ScratchDatabase, ScratchError};

/// What `verify` found.
#[derive(Debug)]
pub struct Report {
    /// The catalog folded from the migrations.
    pub expected: Catalog,
    /// The catalog PostgreSQL has after applying them.
    pub live: Catalog,
    /// Every difference between the two; empty when they agree.
    pub differences: Vec<Difference>,
    /// Warnings from folding the migrations.
    pub warnings: Vec<Diagnostic>,
}

/// Why `verify` could not compare.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    /// The migrations have errors; fix them first.
    #[error("the migrations have errors")]
    Migrations(Vec<Diagnostic>),
    /// The scratch database could not be created.
    #[error(transparent)]
    Scratch(#[from] ScratchError),
    /// A migration failed on the server.
    #[error("a migration failed on the server")]
    Apply(Diagnostic),
    /// The server could not be reached or queried.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
}

/// Folds the migrations in `dir`, applies them to a scratch database on `server_url`, and
/// compares.
pub async fn verify(server_url: &str, dir: &Path) -> Result<Report, VerifyError> {
    let (expected, diagnostics) = crate::load_catalog(dir);
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(VerifyError::Migrations(diagnostics));
    }
    let migrations = read_migrations(dir, &mut Vec::new());
    let scratch = ScratchDatabase::create(server_url, "stagely_verify").await?;
    // On any early return below, dropping `scratch` drops the database.
    let live = {
        let mut conn = PgConnection::connect_with(&scratch.connect_options()).await?;
        apply(&mut conn, &migrations).await?;
        // A migration's SET search_path would change how format_type() qualifies names.
        sqlx::raw_sql("RESET ALL").execute(&mut conn).await?;
        let live = introspect(&mut conn).await?;
        conn.close().await?;
        live
    };
    scratch.drop_now().await?;
    let differences = compare(&expected, &live);
    Ok(Report {
        expected,
        live,
        differences,
        warnings: diagnostics,
    })
}

/// Applies every Up section, one statement at a time, as psql would.
async fn apply(conn: &mut PgConnection, migrations: &[Migration]) -> Result<(), VerifyError> {
    for migration in migrations {
        let statements = crate::parse::split_section(&migration.up).map_err(VerifyError::Apply)?;
        for statement in statements {
            if let Err(err) = sqlx::raw_sql(AssertSqlSafe(statement.sql.as_str()))
                .execute(&mut *conn)
                .await
            {
                let mut at = statement.location;
                let mut message = err.to_string();
                if let Some(db) = err.as_database_error() {
                    message = db.message().to_string();
                    if let Some(pg) = db.try_downcast_ref::<sqlx::postgres::PgDatabaseError>() {
                        if let Some(sqlx::postgres::PgErrorPosition::Original(chars)) = pg.position() {
                            // The position counts characters from 1 within the statement.
                            let byte = statement
                                .sql
                                .char_indices()
                                .nth(chars.saturating_sub(1))
                                .map_or(statement.sql.len(), |(i, _)| i);
                            at = locate(
                                &migration.up.sql,
                                statement.offset + byte,
                                migration.up.first_line,
                            );
                        }
                        if let Some(hint) = pg.hint() {
                            message = format!("{message} (hint: {hint})");
                        }
                    }
                }
                return Err(VerifyError::Apply(Diagnostic::error_at(
                    &migration.up.path,
                    at,
                    format!("PostgreSQL rejected this migration: {message}"),
                )));
            }
        }
    }
    Ok(())
}
