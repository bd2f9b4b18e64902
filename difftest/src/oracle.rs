//! PostgreSQL as the judge: one scratch database for a whole run, each case inside one
//! transaction that is rolled back at its end (DDL is transactional in PostgreSQL, so a case
//! costs no `CREATE DATABASE`), and each statement inside a savepoint, so that one PostgreSQL
//! rejects is undone and dropped from the history while the case goes on.

use sqlx::postgres::PgConnection;
use sqlx::{AssertSqlSafe, Connection, Executor, Row, SqlSafeStr};
use stagely_codegen::catalog::Catalog;
use stagely_codegen::queries::TypedQuery;
use stagely_codegen::scratch::{ScratchDatabase, ScratchError};
use stagely_codegen::verify::{Difference, introspect, prove_queries};

/// Why the oracle could not judge.
#[derive(Debug, thiserror::Error)]
pub enum OracleError {
    /// The scratch database could not be made.
    #[error(transparent)]
    Scratch(#[from] ScratchError),
    /// The server could not be reached or failed outside a statement under test.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
}

/// A scratch database and a connection to it.
pub struct Oracle {
    scratch: Option<ScratchDatabase>,
    conn: PgConnection,
    savepoints: u64,
}

impl Oracle {
    /// Makes a scratch database on `server_url` and connects to it.
    pub async fn connect(server_url: &str) -> Result<Self, OracleError> {
        let scratch = ScratchDatabase::create(server_url, "stagely_difftest").await?;
        // No statement cache: a case's query text comes back in later cases (and while
        // shrinking) over other tables of the same names, and must be prepared afresh.
        let options = scratch.connect_options().statement_cache_capacity(0);
        let mut conn = PgConnection::connect_with(&options).await?;
        // A runaway query (a cross join of cross joins) must not stall the run.
        conn.execute("SET statement_timeout = '10s'").await?;
        conn.execute("SET client_min_messages = warning").await?;
        Ok(Self {
            scratch: Some(scratch),
            conn,
            savepoints: 0,
        })
    }

    /// Starts a case: a transaction on an empty database.
    pub async fn begin(&mut self) -> Result<(), OracleError> {
        self.conn.execute("BEGIN").await?;
        Ok(())
    }

    /// Ends a case, undoing all of it.
    pub async fn rollback(&mut self) -> Result<(), OracleError> {
        self.conn.execute("ROLLBACK").await?;
        Ok(())
    }

    /// Runs `sql` as a statement under test (simple protocol, as psql sends it), in a
    /// savepoint: `Ok(false)` when PostgreSQL rejected it and it was undone.
    pub async fn try_statement(&mut self, sql: &str) -> Result<bool, OracleError> {
        self.in_savepoint(sql, false).await.map(|rows| rows.is_some())
    }

    /// Runs `sql` and returns, for each row, which columns are NULL; `None` when PostgreSQL
    /// rejected it. Its effects are undone either way, so every query sees the same rows.
    pub async fn null_map(&mut self, sql: &str) -> Result<Option<Vec<Vec<bool>>>, OracleError> {
        self.in_savepoint(sql, true).await
    }

    async fn in_savepoint(&mut self, sql: &str, undo: bool) -> Result<Option<Vec<Vec<bool>>>, OracleError> {
        self.savepoints += 1;
        let name = format!("s{}", self.savepoints);
        self.conn
            .execute(AssertSqlSafe(format!("SAVEPOINT {name}")))
            .await?;
        let result = sqlx::raw_sql(AssertSqlSafe(sql.to_string()))
            .fetch_all(&mut self.conn)
            .await;
        let outcome = match result {
            Ok(rows) => Some(
                rows.iter()
                    .map(|row| {
                        (0..row.len())
                            .map(|i| {
                                row.try_get_raw(i)
                                    .map(|v| sqlx::ValueRef::is_null(&v))
                                    .unwrap_or(true)
                            })
                            .collect()
                    })
                    .collect(),
            ),
            Err(sqlx::Error::Database(_)) => None,
            Err(e) => return Err(e.into()),
        };
        let end = if outcome.is_none() || undo {
            format!("ROLLBACK TO SAVEPOINT {name}")
        } else {
            format!("RELEASE SAVEPOINT {name}")
        };
        self.conn.execute(AssertSqlSafe(end)).await?;
        Ok(outcome)
    }

    /// Whether PostgreSQL can prepare `sql` (a query with `$n` parameters), and the types of
    /// its parameters as `format_type()` prints them.
    pub async fn prepare(&mut self, sql: &str) -> Result<Option<Vec<String>>, OracleError> {
        self.savepoints += 1;
        let name = format!("s{}", self.savepoints);
        self.conn
            .execute(AssertSqlSafe(format!("SAVEPOINT {name}")))
            .await?;
        let described = (&mut self.conn)
            .describe(AssertSqlSafe(sql.to_string()).into_sql_str())
            .await;
        let outcome = match described {
            Ok(d) => {
                let mut types = Vec::new();
                if let Some(sqlx::Either::Left(params)) = &d.parameters {
                    for p in params {
                        let oid = p.oid().map_or(0, |o| o.0);
                        let name: String = sqlx::query("SELECT format_type($1::oid, NULL)")
                            .bind(i64::from(oid))
                            .fetch_one(&mut self.conn)
                            .await?
                            .try_get(0)?;
                        types.push(name);
                    }
                }
                Some(types)
            }
            Err(sqlx::Error::Database(_)) => None,
            Err(e) => return Err(e.into()),
        };
        self.conn
            .execute(AssertSqlSafe(format!("ROLLBACK TO SAVEPOINT {name}")))
            .await?;
        Ok(outcome)
    }

    /// The catalog PostgreSQL has now.
    pub async fn catalog(&mut self) -> Result<Catalog, OracleError> {
        Ok(introspect(&mut self.conn).await?)
    }

    /// Spells the typed constants of `catalog` as the server prints them (see
    /// [`stagely_codegen::verify::literals`]).
    pub async fn settle(&mut self, catalog: &mut Catalog) -> Result<(), OracleError> {
        Ok(stagely_codegen::verify::literals::settle(&mut self.conn, catalog, true).await?)
    }

    /// Where the inferred types of `query` differ from PostgreSQL's (see
    /// [`stagely_codegen::verify::prove_queries`]).
    pub async fn prove(&mut self, query: &TypedQuery) -> Result<Vec<Difference>, OracleError> {
        self.savepoints += 1;
        let name = format!("s{}", self.savepoints);
        self.conn
            .execute(AssertSqlSafe(format!("SAVEPOINT {name}")))
            .await?;
        let found = prove_queries(&mut self.conn, std::slice::from_ref(query)).await;
        self.conn
            .execute(AssertSqlSafe(format!("ROLLBACK TO SAVEPOINT {name}")))
            .await?;
        Ok(found?)
    }

    /// Drops the scratch database.
    pub async fn close(mut self) -> Result<(), OracleError> {
        self.conn.close().await?;
        if let Some(scratch) = self.scratch.take() {
            scratch.drop_now().await?;
        }
        Ok(())
    }
}
