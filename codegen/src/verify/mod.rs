//! `verify`: the static catalog against what PostgreSQL makes of the same migrations.
//!
//! A scratch database is created on the given server, every Up section is applied in order
//! (statement by statement over the simple protocol, autocommitted, as psql would), the live
//! catalog is read back from `pg_catalog` into the same [`Catalog`] model, the scratch
//! database is dropped (also when anything failed), and the two catalogs are compared
//! ([`compare`]), after the static catalog's typed constants are spelled as the server prints
//! them ([`literals`]).

mod compare;
mod introspect;
pub mod literals;
mod queries;

use std::path::Path;

use sqlx::postgres::PgConnection;
use sqlx::{AssertSqlSafe, Connection};

pub use compare::{Difference, compare, exact_columns};
pub use introspect::introspect;
pub use queries::prove as prove_queries;

use crate::catalog::Catalog;
use crate::diagnostic::{Diagnostic, locate};
use crate::parse::script::{self, Piece, SqlStatement, Variables};
use crate::source::Migration;
use stagely_testdb::scratch::{ScratchDatabase, ScratchError};

/// What `verify` found.
#[derive(Debug)]
pub struct Report {
    /// The catalog folded from the migrations.
    pub expected: Catalog,
    /// The catalog PostgreSQL has after applying them.
    pub live: Catalog,
    /// Every difference between the two about objects the static catalog is sure of; empty
    /// when they agree.
    pub differences: Vec<Difference>,
    /// Differences about objects the static catalog marks uncertain (a statement it could not
    /// read or apply may have changed them): expected, and not counted.
    pub uncertain: Vec<Difference>,
    /// Warnings from folding the migrations.
    pub warnings: Vec<Diagnostic>,
    /// How many typed queries were proved on the server.
    pub queries: usize,
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
/// compares; the queries beside them (see [`crate::queries::default_dir`]) are proved too.
pub async fn verify(server_url: &str, dir: &Path) -> Result<Report, VerifyError> {
    verify_with_queries(server_url, dir, &crate::queries::default_dir(dir)).await
}

/// [`verify`] with the query files read from `queries_dir`: each query is prepared on the
/// scratch database and its inferred types checked against PostgreSQL's.
pub async fn verify_with_queries(
    server_url: &str,
    dir: &Path,
    queries_dir: &Path,
) -> Result<Report, VerifyError> {
    let (schema, typed, diagnostics) = crate::load_with_queries(dir, queries_dir);
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(VerifyError::Migrations(diagnostics));
    }
    let crate::Schema {
        migrations,
        catalog: expected,
        preamble,
        ..
    } = schema;
    let scratch = ScratchDatabase::create(server_url, "stagely_verify").await?;
    let roles = Roles::before(&scratch, &migrations).await?;
    // On any early return below, dropping `scratch` drops the database.
    let applied = async {
        apply(&scratch, &migrations, &preamble).await?;
        let mut conn = PgConnection::connect_with(&scratch.connect_options()).await?;
        let live = introspect(&mut conn).await?;
        let mut expected = expected;
        literals::settle(&mut conn, &mut expected, false).await?;
        let query_differences = queries::prove(&mut conn, &typed).await?;
        conn.close().await?;
        Ok::<_, VerifyError>((expected, live, query_differences))
    }
    .await;
    let options = scratch.connect_options();
    scratch.drop_now().await?;
    roles.drop_new(&options).await?;
    let (expected, live, query_differences) = applied?;
    let (uncertain, mut differences): (Vec<Difference>, Vec<Difference>) = compare(&expected, &live)
        .into_iter()
        .partition(|d| d.uncertain.is_some());
    differences.extend(query_differences);
    Ok(Report {
        expected,
        live,
        differences,
        uncertain,
        warnings: diagnostics,
        queries: typed.len(),
    })
}

/// The roles the migrations create. Roles belong to the server, not to the scratch database,
/// so those that did not exist before are dropped again after the run (as a psql test suite
/// that creates roles drops them afterwards).
pub(crate) struct Roles {
    created: Vec<String>,
}

impl Roles {
    /// The roles `CREATE ROLE|USER|GROUP` statements name that the server does not have yet.
    pub(crate) async fn before(
        scratch: &ScratchDatabase,
        migrations: &[Migration],
    ) -> Result<Self, VerifyError> {
        let mut named = Vec::new();
        for migration in migrations {
            for piece in script::split(&migration.up, &mut Variables::offline(), &mut Vec::new()) {
                if let Piece::Statement(s) = piece
                    && let Some(role) = created_role(&s.sql)
                {
                    named.push(role);
                }
            }
        }
        if named.is_empty() {
            return Ok(Self { created: named });
        }
        let mut conn = PgConnection::connect_with(&scratch.connect_options()).await?;
        let existing: Vec<String> = sqlx::query_scalar("SELECT rolname::text FROM pg_roles")
            .fetch_all(&mut conn)
            .await?;
        conn.close().await?;
        named.retain(|r| !existing.contains(r));
        named.dedup();
        Ok(Self { created: named })
    }

    /// Drops the roles the run created (none of them owns anything once the scratch database
    /// is gone).
    pub(crate) async fn drop_new(
        self,
        options: &sqlx::postgres::PgConnectOptions,
    ) -> Result<(), VerifyError> {
        if self.created.is_empty() {
            return Ok(());
        }
        let mut conn = PgConnection::connect_with(&options.clone().database("postgres")).await?;
        for role in &self.created {
            let sql = format!("DROP ROLE IF EXISTS {}", crate::sql::quote_ident(role));
            sqlx::raw_sql(AssertSqlSafe(sql)).execute(&mut conn).await?;
        }
        conn.close().await?;
        Ok(())
    }
}

/// The role a `CREATE ROLE|USER|GROUP name ...` statement makes.
fn created_role(sql: &str) -> Option<String> {
    let mut words = sql.split_whitespace();
    if !words.next()?.eq_ignore_ascii_case("CREATE") {
        return None;
    }
    let kind = words.next()?;
    if !["ROLE", "USER", "GROUP"]
        .iter()
        .any(|k| kind.eq_ignore_ascii_case(k))
    {
        return None;
    }
    let name = words.next()?.trim_end_matches(';');
    if kind.eq_ignore_ascii_case("USER") && name.eq_ignore_ascii_case("MAPPING") {
        return None;
    }
    Some(match name.strip_prefix('"').and_then(|n| n.strip_suffix('"')) {
        Some(quoted) => quoted.replace("\"\"", "\""),
        None => name.to_ascii_lowercase(),
    })
}

/// Applies every Up section, one statement at a time, as psql would: each migration file in a
/// session of its own (so a `SET search_path` ends with its file), psql variables
/// interpolated with this database's name and user, `COPY ... FROM stdin` fed its data lines.
pub(crate) async fn apply(
    scratch: &ScratchDatabase,
    migrations: &[Migration],
    preamble: &[String],
) -> Result<(), VerifyError> {
    let options = scratch.connect_options();
    let user = options.get_username().to_string();
    let mut conn = PgConnection::connect_with(&options).await?;
    for sql in preamble {
        sqlx::raw_sql(AssertSqlSafe(sql.as_str()))
            .execute(&mut conn)
            .await?;
    }
    conn.close().await?;
    for migration in migrations {
        let mut diagnostics = Vec::new();
        let mut variables = Variables::new(scratch.name(), &user);
        let pieces = script::split(&migration.up, &mut variables, &mut diagnostics);
        if let Some(problem) = diagnostics.into_iter().find(Diagnostic::is_error) {
            return Err(VerifyError::Apply(problem));
        }
        let mut conn = PgConnection::connect_with(&options).await?;
        for piece in pieces {
            let Piece::Statement(statement) = piece else {
                continue;
            };
            if let Err(err) = run(&mut conn, &statement).await {
                return Err(VerifyError::Apply(rejected(migration, &statement, &err)));
            }
        }
        conn.close().await?;
    }
    Ok(())
}

/// Runs one statement (feeding a `COPY ... FROM stdin` its data).
async fn run(conn: &mut PgConnection, statement: &SqlStatement) -> Result<(), sqlx::Error> {
    match &statement.copy_data {
        Some(data) => {
            let mut copy = conn.copy_in_raw(statement.sql.as_str()).await?;
            copy.send(data.as_bytes()).await?;
            copy.finish().await.map(|_| ())
        }
        None => sqlx::raw_sql(AssertSqlSafe(statement.sql.as_str()))
            .execute(&mut *conn)
            .await
            .map(|_| ()),
    }
}

/// The server's error for a statement, at the place in the file it points to.
fn rejected(migration: &Migration, statement: &SqlStatement, err: &sqlx::Error) -> Diagnostic {
    let mut at = statement.location;
    let mut message = err.to_string();
    if let Some(db) = err.as_database_error() {
        message = db.message().to_string();
        if let Some(pg) = db.try_downcast_ref::<sqlx::postgres::PgDatabaseError>() {
            if let Some(sqlx::postgres::PgErrorPosition::Original(chars)) = pg.position()
                && !statement.interpolated
            {
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
    Diagnostic::error_at(
        &migration.up.path,
        at,
        format!("PostgreSQL rejected this migration: {message}"),
    )
}
