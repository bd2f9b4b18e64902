//! Throw-away PostgreSQL databases for the whole workspace.
//!
//! - [`scratch`]: a uniquely named database created on a server and dropped when its
//!   [`ScratchDatabase`] is dropped. `stagely-codegen verify` applies migrations to one.
//! - [`TestDatabase`]: a fresh scratch database with a pool, for every database test, so tests
//!   run in parallel without seeing each other's tables.
//!
//! The server tests create their databases on is found once per test process ([`server_url`]):
//! 1. `TEST_DATABASE_URL` when it is set (CI sets it), else
//! 2. the local PostgreSQL that libpq's defaults reach (`PGHOST`, `PGPORT`, `PGUSER`,
//!    `PGPASSWORD`, or the Unix socket and the current user), when it answers, else
//! 3. a PostgreSQL 16 container started with testcontainers, when a Docker engine answers, else
//! 4. a test failure that says what was tried and how to provide a server. A database test
//!    never skips itself.
//!
//! This crate is used by `stagely-codegen` (for `verify`) and by the tests of every crate, with
//! one feature set, so building one never rebuilds a dependency another has built.
//!
//! ```no_run
//! # async fn example() {
//! use stagely_testdb::TestDatabase;
//! let db = TestDatabase::new().await;
//! sqlx::query("SELECT 1").execute(db.pool()).await.unwrap();
//! # }
//! ```

pub mod scratch;
mod server;

use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;

pub use scratch::ScratchDatabase;
pub use server::{
    LOCAL_MAINTENANCE_DATABASE, POSTGRES_TAG, TEST_DATABASE_URL, libpq_default_url, resolve_server,
    server_url,
};

/// A fresh database for one test, with a small pool connected to it.
#[derive(Debug)]
pub struct TestDatabase {
    pool: PgPool,
    scratch: ScratchDatabase,
}

impl TestDatabase {
    /// Creates a fresh database on the test server and connects a pool to it.
    ///
    /// Panics, with instructions, when no server is available: tests must not skip silently.
    pub async fn new() -> Self {
        let server = match server_url() {
            Ok(url) => url,
            Err(message) => panic!("{message}"),
        };
        let scratch = ScratchDatabase::create(&server, "stagely_test")
            .await
            .unwrap_or_else(|e| panic!("{e}\nIs the test database server still running?"));
        let pool = PgPoolOptions::new()
            .max_connections(5)
            .connect_with(scratch.connect_options())
            .await
            .unwrap_or_else(|e| panic!("cannot connect to test database {}: {e}", scratch.name()));
        Self { pool, scratch }
    }

    /// A pool connected to this test's database.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// A URL for this test's database, for code that connects by itself (the service, `verify`).
    pub fn url(&self) -> &str {
        self.scratch.url()
    }

    /// The database's name.
    pub fn name(&self) -> &str {
        self.scratch.name()
    }
}
