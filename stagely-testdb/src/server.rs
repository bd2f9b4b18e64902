//! Finding the PostgreSQL server the tests create their databases on.

use std::str::FromStr;
use std::sync::OnceLock;
use std::time::Duration;

use sqlx::Connection;
use sqlx::postgres::{PgConnectOptions, PgConnection};
use testcontainers_modules::postgres::Postgres;
use testcontainers_modules::testcontainers::runners::SyncRunner;
use testcontainers_modules::testcontainers::{Container, ImageExt};

use crate::scratch::redact_url;

/// The environment variable naming the PostgreSQL server tests create their databases on.
pub const TEST_DATABASE_URL: &str = "TEST_DATABASE_URL";

/// The PostgreSQL image tag used when no server is given; pinned, never `latest`.
pub const POSTGRES_TAG: &str = "16-alpine";

/// The database the tests connect to on a local server found by libpq's defaults (unless
/// `PGDATABASE` names another): libpq's own default, a database named after the user, rarely
/// exists, while `postgres` always does.
pub const LOCAL_MAINTENANCE_DATABASE: &str = "postgres";

/// How long the local server may take to answer the probe.
const PROBE_TIMEOUT: Duration = Duration::from_secs(3);

/// The URL of the server tests create databases on, or what was tried and how to provide one.
///
/// Decided once per test process (see the crate documentation for the order).
pub fn server_url() -> Result<String, String> {
    static SERVER: OnceLock<Result<String, String>> = OnceLock::new();
    SERVER
        .get_or_init(|| {
            resolve_server(
                std::env::var(TEST_DATABASE_URL).ok(),
                probe_local_server,
                start_container,
            )
        })
        .clone()
}

/// Picks the configured server, else the local one, else a container; the error says what was
/// tried and how to provide a server.
pub fn resolve_server(
    configured: Option<String>,
    local: impl FnOnce() -> Result<String, String>,
    container: impl FnOnce() -> Result<String, String>,
) -> Result<String, String> {
    if let Some(url) = configured.filter(|u| !u.trim().is_empty()) {
        return Ok(url);
    }
    let local_cause = match local() {
        Ok(url) => return Ok(url),
        Err(cause) => cause,
    };
    container().map_err(|docker_cause| {
        format!(
            "no PostgreSQL server for the database tests. Tried, in order:\n  \
             1. {TEST_DATABASE_URL}: not set\n  \
             2. a local PostgreSQL by libpq's defaults (PGHOST, PGPORT, PGUSER, or the socket and \
             the current user): {local_cause}\n  \
             3. a postgres:{POSTGRES_TAG} container: {docker_cause}\n\
             Either set {TEST_DATABASE_URL} to a server where databases may be created, e.g.\n    \
             export {TEST_DATABASE_URL}=postgres://postgres@127.0.0.1:5432/postgres\n\
             or start a local PostgreSQL that accepts your user, or start a Docker engine."
        )
    })
}

/// A URL for `database` on the server libpq's defaults reach: `PGHOST`/`PGHOSTADDR` (else the
/// Unix socket in `/var/run/postgresql` or `/tmp` when one exists, else `localhost`), `PGPORT`
/// (else 5432), `PGUSER` (else the current user) and `PGPASSWORD`. A socket directory is passed
/// as the `host` query parameter, as libpq accepts it. Settings the URL leaves out (a password
/// in `~/.pgpass`, `PGSSLMODE`) are applied by sqlx when it connects.
pub fn libpq_default_url(database: &str) -> String {
    let options = PgConnectOptions::new_without_pgpass();
    let mut url = url::Url::parse("postgres://localhost").expect("a valid URL");
    let _ = url.set_username(&default_user());
    if let Ok(password) = std::env::var("PGPASSWORD") {
        let _ = url.set_password(Some(&password));
    }
    let _ = url.set_port(Some(options.get_port()));
    url.set_path(&format!("/{database}"));
    let host = options.get_host();
    if host.starts_with('/') {
        url.query_pairs_mut().append_pair("host", host);
    } else {
        let _ = url.set_host(Some(host));
    }
    url.into()
}

/// libpq's default user: `PGUSER`, else the operating-system user.
fn default_user() -> String {
    std::env::var("PGUSER")
        .ok()
        .filter(|u| !u.trim().is_empty())
        .or_else(|| whoami::username().ok())
        .unwrap_or_else(|| "postgres".to_string())
}

/// The local server by libpq's defaults, when it accepts a connection.
fn probe_local_server() -> Result<String, String> {
    let database = std::env::var("PGDATABASE")
        .ok()
        .filter(|d| !d.trim().is_empty())
        .unwrap_or_else(|| LOCAL_MAINTENANCE_DATABASE.to_string());
    let url = libpq_default_url(&database);
    let shown = redact_url(&url);
    let probe_url = url.clone();
    // Called from inside tests' runtimes, which must not be nested: probe on a thread of its own.
    let outcome = std::thread::spawn(move || -> Result<(), String> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| e.to_string())?;
        runtime.block_on(async {
            let options = PgConnectOptions::from_str(&probe_url).map_err(|e| e.to_string())?;
            let mut conn = tokio::time::timeout(PROBE_TIMEOUT, PgConnection::connect_with(&options))
                .await
                .map_err(|_| format!("no answer within {PROBE_TIMEOUT:?}"))?
                .map_err(|e| e.to_string())?;
            conn.ping().await.map_err(|e| e.to_string())?;
            conn.close().await.map_err(|e| e.to_string())
        })
    })
    .join()
    .map_err(|_| "the probe panicked".to_string())?;
    outcome.map(|()| url).map_err(|cause| format!("{shown}: {cause}"))
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

    fn unreachable(what: &'static str) -> impl FnOnce() -> Result<String, String> {
        move || Err(format!("{what} unreachable"))
    }

    #[test]
    fn prefers_the_configured_server() {
        let url = resolve_server(
            Some("postgres://x/y".into()),
            || panic!("must not probe the local server"),
            || panic!("must not start a container"),
        );
        assert_eq!(url.unwrap(), "postgres://x/y");
    }

    #[test]
    fn then_the_local_server() {
        let url = resolve_server(
            None,
            || Ok("postgres://me@localhost:5432/postgres".into()),
            || panic!("must not start a container"),
        );
        assert_eq!(url.unwrap(), "postgres://me@localhost:5432/postgres");
    }

    #[test]
    fn ignores_an_empty_setting_and_falls_back_to_a_container() {
        let url = resolve_server(Some("  ".into()), unreachable("local"), || {
            Ok("postgres://container/postgres".into())
        });
        assert_eq!(url.unwrap(), "postgres://container/postgres");
    }

    #[test]
    fn says_what_was_tried_and_how_to_provide_a_server_when_there_is_none() {
        let err = resolve_server(None, unreachable("the local socket"), || {
            Err("cannot connect to the Docker daemon".into())
        })
        .unwrap_err();
        assert!(
            err.contains("export TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres"),
            "{err}"
        );
        assert!(err.contains("the local socket unreachable"), "{err}");
        assert!(err.contains("postgres:16-alpine"), "{err}");
        assert!(err.contains("cannot connect to the Docker daemon"), "{err}");
    }

    #[test]
    fn libpq_default_url_names_the_database_and_parses() {
        let url = libpq_default_url("stagely_x");
        let parsed = url::Url::parse(&url).unwrap();
        assert_eq!(parsed.path(), "/stagely_x");
        let options = PgConnectOptions::from_str(&url).unwrap();
        assert_eq!(options.get_database(), Some("stagely_x"));
        let defaults = PgConnectOptions::new_without_pgpass();
        assert_eq!(options.get_port(), defaults.get_port());
        assert_eq!(options.get_username(), default_user());
        assert_ne!(
            options.get_username(),
            "anonymous",
            "the real user, not whoami's stub"
        );
    }
}
