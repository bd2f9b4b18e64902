//! The PostgreSQL connection pool: sizing, timeouts, connecting with retries, and the errors
//! callers see when the pool or the server says no.
//!
//! Every pooled connection carries a server-side `statement_timeout`, so one runaway query
//! cannot hold a connection (and its locks) forever: the server cancels it and the caller gets
//! [`DbError::StatementTimeout`]. Waiting for a free connection is bounded by the acquire
//! timeout, after which the caller gets [`DbError::PoolExhausted`] instead of hanging.

use std::str::FromStr;
use std::time::Duration;

use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnectOptions, PgConnection, PgDatabaseError, PgPool, PgPoolOptions};
use sqlx::{Connection, Postgres};

use crate::config::Config;
use crate::secret::SecretUrl;

/// SQLSTATE `query_canceled`, which PostgreSQL uses for statement timeouts (and manual cancels).
const QUERY_CANCELED: &str = "57014";

/// Why the database could not be used.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// `DATABASE_URL` parses as a URL but not as PostgreSQL connection options.
    #[error("DATABASE_URL ({url}) is not a usable PostgreSQL URL: {source}; fix DATABASE_URL")]
    InvalidUrl {
        /// The URL without its password.
        url: String,
        /// What sqlx objected to.
        #[source]
        source: sqlx::Error,
    },
    /// Every connection attempt failed; each failure was logged with its cause.
    #[error(
        "Failed to connect to database after {attempts} attempts. Please check DATABASE_URL configuration.\n\
         Last attempt: {url}: {}", explain(.last)
    )]
    Unreachable {
        /// How many times connecting was tried.
        attempts: usize,
        /// The URL tried, without its password.
        url: String,
        /// The error of the last attempt.
        #[source]
        last: sqlx::Error,
    },
    /// No connection became free within the acquire timeout.
    #[error(
        "no database connection became available in time: every pooled connection is busy or \
         the database cannot be reached; retry shortly, and if this persists look for slow \
         queries or connections held too long"
    )]
    PoolExhausted,
    /// The server cancelled a statement that ran longer than the statement timeout.
    #[error(
        "the database cancelled a statement that exceeded the statement timeout \
         (DATABASE_STATEMENT_TIMEOUT); make the query cheaper or raise the timeout"
    )]
    StatementTimeout,
    /// The pool was closed, which happens during shutdown.
    #[error("the database pool is closed because the service is shutting down; retry on another instance")]
    Closed,
    /// Any other database error.
    #[error("database error: {}", explain(.0))]
    Query(#[source] sqlx::Error),
}

/// What a database error says, for people: for an error PostgreSQL sent, its severity, message
/// and SQLSTATE, then its DETAIL and HINT, as psql shows them (`FATAL: role "app" does not
/// exist (SQLSTATE 28000)`). Unlike sqlx's own `Display`, never the place in PostgreSQL's C
/// source that raised it (`at line 768`), which reads as a line of the user's files.
pub fn explain(error: &sqlx::Error) -> String {
    let sqlx::Error::Database(database) = error else {
        return error.to_string();
    };
    let Some(pg) = database.try_downcast_ref::<PgDatabaseError>() else {
        return match database.code() {
            Some(code) => format!("{} (SQLSTATE {code})", database.message()),
            None => database.message().to_string(),
        };
    };
    let mut text = format!("{}: {} (SQLSTATE {})", severity(pg), pg.message(), pg.code());
    if let Some(detail) = pg.detail() {
        text.push_str("; DETAIL: ");
        text.push_str(detail);
    }
    if let Some(hint) = pg.hint() {
        text.push_str("; HINT: ");
        text.push_str(hint);
    }
    text
}

/// The severity word PostgreSQL uses (`ERROR`, `FATAL`, ...).
pub fn severity(pg: &PgDatabaseError) -> &'static str {
    use sqlx::postgres::PgSeverity as S;
    match pg.severity() {
        S::Panic => "PANIC",
        S::Fatal => "FATAL",
        S::Error => "ERROR",
        S::Warning => "WARNING",
        S::Notice => "NOTICE",
        S::Debug => "DEBUG",
        S::Info => "INFO",
        S::Log => "LOG",
    }
}

impl From<sqlx::Error> for DbError {
    fn from(error: sqlx::Error) -> Self {
        match error {
            sqlx::Error::PoolTimedOut => Self::PoolExhausted,
            sqlx::Error::PoolClosed => Self::Closed,
            sqlx::Error::Database(ref db)
                if db.code().as_deref() == Some(QUERY_CANCELED)
                    && db.message().contains("statement timeout") =>
            {
                Self::StatementTimeout
            }
            other => Self::Query(other),
        }
    }
}

/// How big the pool is and how long things may take.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolSettings {
    /// At most this many connections are open (PostgreSQL's default limit is 100 per server,
    /// shared by every instance of the service).
    pub max_connections: u32,
    /// This many connections are kept open while idle, so a burst does not pay for handshakes.
    pub min_connections: u32,
    /// Connections are replaced after this long, so server-side memory held by a session is
    /// returned and fail-overs are picked up.
    pub max_lifetime: Duration,
    /// Idle connections beyond `min_connections` are closed after this long.
    pub idle_timeout: Duration,
    /// The longest a caller waits for a connection, including opening a new one; this also
    /// bounds each connection attempt at start-up.
    pub acquire_timeout: Duration,
    /// The server cancels any statement running longer than this.
    pub statement_timeout: Duration,
}

impl Default for PoolSettings {
    fn default() -> Self {
        Self {
            max_connections: 25,
            min_connections: 5,
            max_lifetime: Duration::from_secs(5 * 60),
            idle_timeout: Duration::from_secs(10 * 60),
            acquire_timeout: Duration::from_secs(5),
            statement_timeout: crate::config::DEFAULT_STATEMENT_TIMEOUT,
        }
    }
}

impl PoolSettings {
    /// The defaults, with the statement timeout from `config`.
    pub fn from_config(config: &Config) -> Self {
        Self {
            statement_timeout: config.database_statement_timeout,
            ..Self::default()
        }
    }

    /// The sqlx pool options these settings describe.
    pub fn pool_options(&self) -> PgPoolOptions {
        PgPoolOptions::new()
            .max_connections(self.max_connections)
            .min_connections(self.min_connections)
            .max_lifetime(self.max_lifetime)
            .idle_timeout(self.idle_timeout)
            .acquire_timeout(self.acquire_timeout)
    }

    /// Connection options for `url`, with the statement timeout sent in the start-up packet so
    /// it holds from the first statement of every connection the pool opens.
    pub fn connect_options(&self, url: &SecretUrl) -> Result<PgConnectOptions, DbError> {
        let options = PgConnectOptions::from_str(url.expose()).map_err(|source| DbError::InvalidUrl {
            url: url.redacted().to_string(),
            source,
        })?;
        Ok(options.options([(
            "statement_timeout",
            format!("{}ms", self.statement_timeout.as_millis()),
        )]))
    }
}

/// The waits between connection attempts; one more attempt is made than there are delays.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// The delay before each retry, in order.
    pub delays: Vec<Duration>,
}

impl Default for RetryPolicy {
    /// Three retries after 1 s, 2 s and 4 s: enough for a database container that is still
    /// starting, short enough that a wrong URL is reported within seconds.
    fn default() -> Self {
        Self {
            delays: vec![
                Duration::from_secs(1),
                Duration::from_secs(2),
                Duration::from_secs(4),
            ],
        }
    }
}

impl RetryPolicy {
    /// How many connection attempts are made in all.
    pub fn attempts(&self) -> usize {
        self.delays.len() + 1
    }
}

/// Opens a pool to `url`, retrying as `retry` says. Each failure is logged with the URL minus
/// its password; after the last one the error is [`DbError::Unreachable`].
pub async fn connect(
    url: &SecretUrl,
    settings: &PoolSettings,
    retry: &RetryPolicy,
) -> Result<PgPool, DbError> {
    connect_with(url, settings.connect_options(url)?, settings, retry).await
}

/// As [`connect`], with the connections named `application_name` in `pg_stat_activity`
/// (unless the URL names them), so an operator can tell a command's sessions apart.
pub async fn connect_as(
    url: &SecretUrl,
    settings: &PoolSettings,
    retry: &RetryPolicy,
    application_name: &str,
) -> Result<PgPool, DbError> {
    let mut options = settings.connect_options(url)?;
    if options.get_application_name().is_none() {
        options = options.application_name(application_name);
    }
    connect_with(url, options, settings, retry).await
}

async fn connect_with(
    url: &SecretUrl,
    options: PgConnectOptions,
    settings: &PoolSettings,
    retry: &RetryPolicy,
) -> Result<PgPool, DbError> {
    let attempts = retry.attempts();
    let mut delays = retry.delays.iter();
    let mut attempt = 1;
    loop {
        match connect_once(&options, settings).await {
            Ok(pool) => {
                tracing::info!(url = %url, attempt, "connected to the database");
                return Ok(pool);
            }
            Err(error) => match delays.next() {
                Some(delay) => {
                    tracing::warn!(
                        url = %url, attempt, attempts, error = %explain(&error),
                        "cannot connect to the database; retrying in {delay:?}"
                    );
                    tokio::time::sleep(*delay).await;
                    attempt += 1;
                }
                None => {
                    tracing::error!(
                        url = %url, attempt, attempts, error = %explain(&error),
                        "cannot connect to the database; giving up"
                    );
                    return Err(DbError::Unreachable {
                        attempts,
                        url: url.redacted().to_string(),
                        last: error,
                    });
                }
            },
        }
    }
}

/// One connection attempt: a pool with its warm connections open, or why not.
async fn connect_once(options: &PgConnectOptions, settings: &PoolSettings) -> Result<PgPool, sqlx::Error> {
    // sqlx's pool retries a refused connection silently until its deadline and then reports
    // only "pool timed out"; one direct connection first puts the real cause (refused, wrong
    // password, unknown database) in the log.
    let probe = tokio::time::timeout(settings.acquire_timeout, PgConnection::connect_with(options))
        .await
        .map_err(|_| {
            sqlx::Error::Io(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                format!("no answer within {:?}", settings.acquire_timeout),
            ))
        })??;
    // The probe has done its job; a failure to say goodbye politely changes nothing.
    let _ = probe.close().await;
    settings.pool_options().connect_with(options.clone()).await
}

/// Creates the database `url` names when its server does not have it yet (development only:
/// `make run` against a local server with nothing exported). Returns whether it created it.
///
/// Connects to the server's `postgres` database to look and to create; the URL's user needs
/// the right to create databases.
pub async fn create_database_if_missing(url: &SecretUrl, timeout: Duration) -> Result<bool, DbError> {
    let options = PgConnectOptions::from_str(url.expose()).map_err(|source| DbError::InvalidUrl {
        url: url.redacted().to_string(),
        source,
    })?;
    let name = options
        .get_database()
        .unwrap_or(options.get_username())
        .to_string();
    let admin = options.database("postgres");
    let work = async {
        let mut conn = PgConnection::connect_with(&admin).await?;
        let exists: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
            .bind(&name)
            .fetch_one(&mut conn)
            .await?;
        if !exists {
            let quoted = format!("\"{}\"", name.replace('"', "\"\""));
            sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {quoted}")))
                .execute(&mut conn)
                .await?;
        }
        let _ = conn.close().await;
        Ok::<bool, sqlx::Error>(!exists)
    };
    match tokio::time::timeout(timeout, work).await {
        Ok(outcome) => Ok(outcome?),
        Err(_) => Err(DbError::Query(sqlx::Error::Io(std::io::Error::new(
            std::io::ErrorKind::TimedOut,
            format!("no answer within {timeout:?}"),
        )))),
    }
}

/// A connection from the pool, waiting at most the pool's acquire timeout.
pub async fn acquire(pool: &PgPool) -> Result<PoolConnection<Postgres>, DbError> {
    Ok(pool.acquire().await?)
}

/// Checks that the database answers a trivial query.
pub async fn ping(pool: &PgPool) -> Result<(), DbError> {
    sqlx::query("SELECT 1").execute(pool).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_match_the_specification() {
        let settings = PoolSettings::default();
        assert_eq!(settings.max_connections, 25);
        assert_eq!(settings.min_connections, 5);
        assert_eq!(settings.max_lifetime, Duration::from_secs(300));
        assert_eq!(settings.idle_timeout, Duration::from_secs(600));
        assert_eq!(settings.statement_timeout, Duration::from_secs(30));
        let retry = RetryPolicy::default();
        assert_eq!(retry.attempts(), 4);
        assert_eq!(retry.delays, [1, 2, 4].map(Duration::from_secs).to_vec());
    }

    #[test]
    fn sends_the_statement_timeout_with_every_connection() {
        let settings = PoolSettings {
            statement_timeout: Duration::from_millis(1500),
            ..PoolSettings::default()
        };
        let url = SecretUrl::parse("postgres://app:pw@localhost:5432/stagely").unwrap();
        let options = settings.connect_options(&url).unwrap();
        assert_eq!(options.get_options(), Some("-c statement_timeout=1500ms"));
    }

    #[test]
    fn invalid_url_error_hides_the_password() {
        let url = SecretUrl::parse("postgres://app:hunter2@localhost:notaport/db");
        // The url crate already rejects a bad port; an unknown sslmode gets past it.
        let url = url.unwrap_or_else(|_| {
            SecretUrl::parse("postgres://app:hunter2@localhost/db?sslmode=sometimes").unwrap()
        });
        let error = PoolSettings::default().connect_options(&url).unwrap_err();
        assert!(!error.to_string().contains("hunter2"), "{error}");
    }
}
