//! Throw-away databases on a PostgreSQL server.
//!
//! `stagely-codegen verify` applies migrations to one, and every database test gets its own,
//! so tests can run in parallel without seeing each other's tables. A scratch database is
//! dropped when its [`ScratchDatabase`] is dropped, also when the code using it failed or
//! panicked.

use std::fmt;
use std::str::FromStr;
use std::sync::atomic::{AtomicU32, Ordering};

use sqlx::postgres::{PgConnectOptions, PgConnection};
use sqlx::{AssertSqlSafe, Connection};

/// Why a scratch database could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ScratchError {
    /// The server URL is not a PostgreSQL URL.
    #[error("invalid PostgreSQL URL: {0}; expected postgres://user@host:port/database")]
    InvalidUrl(String),
    /// The server could not be reached or refused to create the database.
    #[error("cannot create a scratch database on {server}: {source}")]
    Create {
        /// The server, without its password.
        server: String,
        /// What PostgreSQL or the network said.
        #[source]
        source: sqlx::Error,
    },
}

/// A uniquely named database that exists until this value is dropped.
pub struct ScratchDatabase {
    admin: PgConnectOptions,
    name: String,
    url: String,
    dropped: bool,
}

impl fmt::Debug for ScratchDatabase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The URL may hold a password; the name is enough to find the database.
        f.debug_struct("ScratchDatabase")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl ScratchDatabase {
    /// Creates a database named `<prefix>_<pid>_<n>_<random>` on the server `server_url` points at.
    ///
    /// The database in `server_url` is only used to connect while creating and dropping.
    pub async fn create(server_url: &str, prefix: &str) -> Result<Self, ScratchError> {
        let admin = PgConnectOptions::from_str(server_url)
            .map_err(|_| ScratchError::InvalidUrl(redact_url(server_url)))?;
        let name = unique_name(prefix);
        let create = async {
            let mut conn = PgConnection::connect_with(&admin).await?;
            sqlx::raw_sql(AssertSqlSafe(format!("CREATE DATABASE \"{name}\"")))
                .execute(&mut conn)
                .await?;
            conn.close().await
        };
        create.await.map_err(|source| ScratchError::Create {
            server: redact_url(server_url),
            source,
        })?;
        let url = with_database(server_url, &name)
            .ok_or_else(|| ScratchError::InvalidUrl(redact_url(server_url)))?;
        Ok(Self {
            admin,
            name,
            url,
            dropped: false,
        })
    }

    /// The database's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// A URL that connects to this database (the server URL with the database swapped).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Connection options for this database.
    pub fn connect_options(&self) -> PgConnectOptions {
        self.admin.clone().database(&self.name)
    }

    /// Drops the database now, closing any connections still open to it.
    pub async fn drop_now(mut self) -> Result<(), sqlx::Error> {
        self.dropped = true;
        drop_database(&self.admin, &self.name).await
    }
}

impl Drop for ScratchDatabase {
    fn drop(&mut self) {
        if self.dropped {
            return;
        }
        // Drop is synchronous and may run inside (or outside) an async runtime, or while
        // unwinding from a panic: do the async work on a thread with its own small runtime.
        let admin = self.admin.clone();
        let name = self.name.clone();
        let outcome = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            runtime
                .block_on(drop_database(&admin, &name))
                .map_err(std::io::Error::other)
        })
        .join();
        if !matches!(outcome, Ok(Ok(()))) {
            eprintln!(
                "warning: could not drop scratch database {}; drop it by hand",
                self.name
            );
        }
    }
}

async fn drop_database(admin: &PgConnectOptions, name: &str) -> Result<(), sqlx::Error> {
    let mut conn = PgConnection::connect_with(admin).await?;
    // WITH (FORCE) (PostgreSQL 13+) ends sessions a pool or a failed test left open.
    sqlx::raw_sql(AssertSqlSafe(format!(
        "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
    )))
    .execute(&mut conn)
    .await?;
    conn.close().await
}

fn unique_name(prefix: &str) -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let random = uuid::Uuid::new_v4().simple().to_string();
    let prefix: String = prefix
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .take(24)
        .collect();
    format!("{prefix}_{}_{n}_{}", std::process::id(), &random[..8])
}

/// `url` with its database (the path) replaced by `database`; query parameters are kept.
pub fn with_database(url: &str, database: &str) -> Option<String> {
    let mut parsed = url::Url::parse(url).ok()?;
    parsed.set_path(&format!("/{database}"));
    Some(parsed.into())
}

/// `url` with any password replaced by `***`, for logs and error messages.
pub fn redact_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) => {
            if parsed.password().is_some() {
                let _ = parsed.set_password(Some("***"));
            }
            parsed.into()
        }
        Err(_) => "<unparseable URL>".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swaps_the_database_and_keeps_parameters() {
        assert_eq!(
            with_database("postgres://u:p@h:5432/postgres?sslmode=disable", "x").as_deref(),
            Some("postgres://u:p@h:5432/x?sslmode=disable")
        );
        assert_eq!(
            with_database("postgres://h", "x").as_deref(),
            Some("postgres://h/x")
        );
    }

    #[test]
    fn redacts_passwords() {
        assert_eq!(redact_url("postgres://u:secret@h/db"), "postgres://u:***@h/db");
        assert_eq!(redact_url("postgres://u@h/db"), "postgres://u@h/db");
        assert!(!redact_url("not a url secret").contains("secret"));
    }

    #[test]
    fn names_are_unique_and_safe() {
        let a = unique_name("My Test-1");
        let b = unique_name("My Test-1");
        assert_ne!(a, b);
        assert!(a.starts_with("my_test_1_"));
        assert!(
            a.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        );
    }
}
