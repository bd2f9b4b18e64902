//! Test support shared by every crate's database tests (feature `testing`).
//!
//! Each test gets a fresh, uniquely named database, dropped when the [`TestDatabase`] goes out of
//! scope (also when the test panics), so tests run in parallel. The server comes from:
//! 1. `TEST_DATABASE_URL` when it is set (CI and machines with a local PostgreSQL), else
//! 2. a PostgreSQL 16 container started with testcontainers when a Docker engine answers, else
//! 3. a test failure that says how to provide one. A database test never skips itself.
//!
//! ```no_run
//! # async fn example() {
//! use stagely_codegen::testing::TestDatabase;
//! let db = TestDatabase::new().await;
//! sqlx::query("SELECT 1").execute(db.pool()).await.unwrap();
//! # }
//! ```

use std::sync::OnceLock;

use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;
use testcontainers_modules::postgres::Postgres;
use testcontainers_modules::testcontainers::runners::SyncRunner;
use testcontainers_modules::testcontainers::{Container, ImageExt};

use crate::scratch::ScratchDatabase;

/// The environment variable naming the PostgreSQL server tests create their databases on.
pub const TEST_DATABASE_URL: &str = "TEST_DATABASE_URL";

/// The PostgreSQL image tag used when no server is given; pinned, never `latest`.
pub const POSTGRES_TAG: &str = "16-alpine";

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
            .unwrap_or_else(|e| panic!("{e}\nIs the server in {TEST_DATABASE_URL} running?"));
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

/// The URL of the server tests create databases on, or instructions for providing one.
pub fn server_url() -> Result<String, String> {
    static SERVER: OnceLock<Result<String, String>> = OnceLock::new();
    SERVER
        .get_or_init(|| resolve_server(std::env::var(TEST_DATABASE_URL).ok(), start_container))
        .clone()
}

/// Picks the configured server, else starts one; the error says how to provide one.
pub fn resolve_server(
    configured: Option<String>,
    start: impl FnOnce() -> Result<String, String>,
) -> Result<String, String> {
    if let Some(url) = configured.filter(|u| !u.trim().is_empty()) {
        return Ok(url);
    }
    start().map_err(|cause| {
        format!(
            "no PostgreSQL server for the database tests.\n\
             Either set {TEST_DATABASE_URL} to a server where databases may be created, e.g.\n    \
             export {TEST_DATABASE_URL}=postgres://postgres@127.0.0.1:5432/postgres\n\
             or start a Docker engine so a postgres:{POSTGRES_TAG} container can be started \
             (tried and failed: {cause})."
        )
    })
}

/// Starts the PostgreSQL container once per test process and returns its URL.
fn start_container() -> Result<String, String> {
    static CONTAINER: OnceLock<Container<Postgres>> = OnceLock::new();
    // The blocking runner drives its own runtime, which must not nest inside a test's runtime.
    let started = std::thread::spawn(|| Postgres::default().with_tag(POSTGRES_TAG).start())
        .join()
        .map_err(|_| "the container start panicked".to_string())?
        .map_err(|e| e.to_string())?;
    let host = started.get_host().map_err(|e| e.to_string())?;
    let port = started.get_host_port_ipv4(5432).map_err(|e| e.to_string())?;
    // Kept for the life of the process; testcontainers' reaper removes it after exit.
    let _ = CONTAINER.set(started);
    Ok(format!("postgres://postgres:postgres@{host}:{port}/postgres"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefers_the_configured_server() {
        let url = resolve_server(Some("postgres://x/y".into()), || {
            panic!("must not start a container")
        });
        assert_eq!(url.unwrap(), "postgres://x/y");
    }

    #[test]
    fn ignores_an_empty_setting() {
        let url = resolve_server(Some("  ".into()), || Ok("postgres://container/postgres".into()));
        assert_eq!(url.unwrap(), "postgres://container/postgres");
    }

    #[test]
    fn says_how_to_provide_a_server_when_there_is_none() {
        let err = resolve_server(None, || Err("cannot connect to the Docker daemon".into())).unwrap_err();
        assert!(
            err.contains("export TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres"),
            "{err}"
        );
        assert!(err.contains("postgres:16-alpine"), "{err}");
        assert!(err.contains("cannot connect to the Docker daemon"), "{err}");
    }
}
