//! The service's configuration, read from environment variables only.
//!
//! Everything is parsed and validated once at start-up into one typed [`Config`]. Every missing
//! or invalid variable is collected, so the operator fixes them all in one go instead of
//! restarting once per mistake. Secrets (the encryption key, the JWT secret and any password in
//! a URL) never appear in `Debug` output or in error messages.
//!
//! [`Config::from_vars`] takes the variables as plain pairs so tests never touch the process
//! environment; [`Config::from_env`] is the thin wrapper the binary calls.
//!
//! In development (the default `ENVIRONMENT`) nothing needs to be exported: an unset
//! `DATABASE_URL` means the local PostgreSQL by libpq's defaults, and [`Config::from_env`] also
//! reads the repository's `.env` and generates a missing `ENCRYPTION_KEY` into it (see
//! [`devenv`]). Staging and production never read `.env` and require both variables.
//!
//! ```
//! use stagely_core::config::{Config, Environment};
//! let config = Config::from_vars([
//!     ("DATABASE_URL", "postgres://stagely:stagely@127.0.0.1:5432/stagely"),
//!     ("ENCRYPTION_KEY", "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"),
//! ])
//! .unwrap();
//! assert_eq!(config.port, 8080);
//! assert_eq!(config.environment, Environment::Development);
//! assert!(config.auto_migrate);
//! assert!(!format!("{config:?}").contains(":stagely@"));
//! ```

mod commands;
pub mod devenv;
mod rules;

use std::fmt;
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

pub use commands::{KeysConfig, SchemaConfig};
pub use devenv::{DEVELOPMENT_DATABASE, Origin, dotenv_path};

use rules::Vars;

use crate::crypto::{EncryptionKey, KeyRing};
use crate::secret::{Secret, SecretUrl};

/// An example `DATABASE_URL`, matching the Compose database in `docker-compose.yml`.
pub const EXAMPLE_DATABASE_URL: &str = "postgres://stagely:stagely@127.0.0.1:5432/stagely";

/// The Redis URL used outside production when `REDIS_URL` is not set.
pub const DEFAULT_REDIS_URL: &str = "redis://127.0.0.1:6379";

/// The port served when `PORT` is not set.
pub const DEFAULT_PORT: u16 = 8080;

/// The statement timeout used when `DATABASE_STATEMENT_TIMEOUT` is not set.
pub const DEFAULT_STATEMENT_TIMEOUT: Duration = Duration::from_secs(30);

/// The minimum length of `JWT_SECRET`: HMAC-SHA256 keys shorter than its output are weaker.
pub const MIN_JWT_SECRET_BYTES: usize = 32;

/// How long the service keeps serving after SIGTERM in staging and production when
/// `SHUTDOWN_GRACE` is not set.
pub const DEFAULT_SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// Every variable the service reads, in the order of the documented table (and of problems).
pub const VARIABLES: [&str; 11] = [
    "DATABASE_URL",
    "DATABASE_STATEMENT_TIMEOUT",
    "ENCRYPTION_KEY",
    "ENCRYPTION_KEY_PREVIOUS",
    "REDIS_URL",
    "PORT",
    "ENVIRONMENT",
    "LOG_LEVEL",
    "JWT_SECRET",
    "AUTO_MIGRATE",
    "SHUTDOWN_GRACE",
];

/// The validated configuration of the service.
#[derive(Debug, Clone)]
pub struct Config {
    /// `DATABASE_URL` (required in staging and production): the PostgreSQL server and database,
    /// a `postgres://` or `postgresql://` URL such as [`EXAMPLE_DATABASE_URL`]. In development
    /// it defaults to the local server by libpq's defaults, database [`DEVELOPMENT_DATABASE`].
    /// Its password is redacted in `Debug`.
    pub database_url: SecretUrl,
    /// Where [`Config::database_url`] came from.
    pub database_url_origin: Origin,
    /// `DATABASE_STATEMENT_TIMEOUT` (default `30s`): the longest any single SQL statement may run
    /// before the server cancels it; set on every pooled connection. Written with a unit:
    /// `500ms`, `30s`, `2min`, `1h`.
    pub database_statement_timeout: Duration,
    /// `ENCRYPTION_KEY` (required in staging and production): the AES-256-GCM key for secrets
    /// stored in the database, as exactly 64 hexadecimal characters (32 bytes).
    /// `stagely-core gen-key` prints a new one. In development a missing key is generated once
    /// and kept in `.env`.
    pub encryption_key: EncryptionKey,
    /// Where [`Config::encryption_key`] came from.
    pub encryption_key_origin: Origin,
    /// `ENCRYPTION_KEY_PREVIOUS` (optional, the same rules as `ENCRYPTION_KEY`): the key being
    /// rotated away from. Values it encrypted still decrypt until `stagely-core rotate-key` has
    /// re-encrypted them with `ENCRYPTION_KEY`.
    pub encryption_key_previous: Option<EncryptionKey>,
    /// `REDIS_URL` (default [`DEFAULT_REDIS_URL`], required in production): a `redis://` (or
    /// TLS `rediss://`) URL. Its password is redacted in `Debug`.
    pub redis_url: SecretUrl,
    /// `PORT` (default 8080): the TCP port the HTTP server listens on, 1-65535.
    pub port: u16,
    /// `ENVIRONMENT` (default `development`): `development`, `staging` or `production`.
    pub environment: Environment,
    /// `LOG_LEVEL` (default `info`): `debug`, `info`, `warn` or `error`.
    pub log_level: LogLevel,
    /// `JWT_SECRET` (optional, required in production): the key API tokens are signed with, at
    /// least [`MIN_JWT_SECRET_BYTES`] bytes.
    pub jwt_secret: Option<Secret>,
    /// `AUTO_MIGRATE` (default `true` outside production, `false` in production): apply pending
    /// migrations at start-up. Accepts `true`/`false`, `1`/`0`, `yes`/`no`, `on`/`off`.
    pub auto_migrate: bool,
    /// `SHUTDOWN_GRACE` (default [`DEFAULT_SHUTDOWN_GRACE`] in staging and production, 0 in
    /// development): after SIGTERM, `/readyz` answers 503 at once while the service goes on
    /// serving for this long, so load balancers stop routing to it before it stops listening.
    pub shutdown_grace: Duration,
}

impl Config {
    /// The keys secrets are encrypted and decrypted with.
    pub fn keys(&self) -> KeyRing {
        KeyRing::new(self.encryption_key.clone(), self.encryption_key_previous.clone())
    }
}

/// Where the service runs; production turns on stricter rules and JSON logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Environment {
    /// A developer's machine (the default).
    Development,
    /// A shared pre-production deployment.
    Staging,
    /// The real thing: `REDIS_URL` and `JWT_SECRET` are required, `AUTO_MIGRATE` is off unless
    /// asked for, and logs are JSON lines.
    Production,
}

impl Environment {
    /// The value as written in `ENVIRONMENT`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Development => "development",
            Self::Staging => "staging",
            Self::Production => "production",
        }
    }
}

impl fmt::Display for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Environment {
    type Err = ();

    fn from_str(value: &str) -> Result<Self, ()> {
        match value.to_ascii_lowercase().as_str() {
            "development" => Ok(Self::Development),
            "staging" => Ok(Self::Staging),
            "production" => Ok(Self::Production),
            _ => Err(()),
        }
    }
}

/// The least severe log events that are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogLevel {
    /// Everything, including each SQL statement.
    Debug,
    /// Start-up, shutdown and notable events (the default).
    Info,
    /// Things that went wrong but were handled.
    Warn,
    /// Failures only.
    Error,
}

impl LogLevel {
    /// The value as written in `LOG_LEVEL`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Debug => "debug",
            Self::Info => "info",
            Self::Warn => "warn",
            Self::Error => "error",
        }
    }
}

impl fmt::Display for LogLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for LogLevel {
    type Err = ();

    fn from_str(value: &str) -> Result<Self, ()> {
        match value.to_ascii_lowercase().as_str() {
            "debug" => Ok(Self::Debug),
            "info" => Ok(Self::Info),
            "warn" => Ok(Self::Warn),
            "error" => Ok(Self::Error),
            _ => Err(()),
        }
    }
}

/// One missing or invalid variable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The environment variable's name.
    pub variable: &'static str,
    /// What is wrong and what is expected; never contains a secret value.
    pub message: String,
}

/// The configuration is incomplete or invalid; lists every problem found, not just the first.
#[derive(Debug, Clone, thiserror::Error)]
pub struct ConfigError {
    problems: Vec<Problem>,
}

impl ConfigError {
    /// Every problem found, in the order of the variable table.
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }

    /// Whether `variable` is among the problems.
    pub fn mentions(&self, variable: &str) -> bool {
        self.problems.iter().any(|p| p.variable == variable)
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = self.problems.len();
        let plural = if count == 1 { "" } else { "s" };
        writeln!(f, "invalid configuration ({count} problem{plural}):")?;
        for problem in &self.problems {
            writeln!(f, "  - {}: {}", problem.variable, problem.message)?;
        }
        writeln!(f, "Set the environment variables and start again.")?;
        if self.mentions("DATABASE_URL") || self.mentions("ENCRYPTION_KEY") {
            writeln!(
                f,
                "Outside development both must be set (development has defaults for them), for example:"
            )?;
            if self.mentions("DATABASE_URL") {
                writeln!(f, "  export DATABASE_URL={EXAMPLE_DATABASE_URL}")?;
            }
            if self.mentions("ENCRYPTION_KEY") {
                writeln!(
                    f,
                    "  export ENCRYPTION_KEY=$(cargo run --quiet -p stagely-core -- gen-key)"
                )?;
            }
        }
        write!(
            f,
            "See the Configuration section of README.md for every variable."
        )
    }
}

impl ConfigError {
    /// An error for `problems` (at least one), sorted into the order of [`VARIABLES`].
    fn new(mut problems: Vec<Problem>) -> Self {
        problems.sort_by_key(|p| VARIABLES.iter().position(|v| *v == p.variable));
        Self { problems }
    }
}

impl Config {
    /// Reads the configuration from the process environment and, in development, from the
    /// repository's `.env` ([`dotenv_path`]), generating a missing `ENCRYPTION_KEY` into it.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_env_and_dotenv(Vars::from_env(), &dotenv_path())
    }

    /// As [`Config::from_vars`], and in development also reads the `.env` file at `dotenv`
    /// (values in `vars` win) and generates a missing `ENCRYPTION_KEY` into it. In staging and
    /// production the file is neither read nor written.
    pub fn from_vars_and_dotenv<K, V>(
        vars: impl IntoIterator<Item = (K, V)>,
        dotenv: &Path,
    ) -> Result<Self, ConfigError>
    where
        K: Into<String>,
        V: Into<String>,
    {
        Self::from_env_and_dotenv(Vars::from_pairs(vars), dotenv)
    }

    fn from_env_and_dotenv(mut vars: Vars, dotenv: &Path) -> Result<Self, ConfigError> {
        if vars.is_development() {
            vars.apply_dotenv(dotenv);
            vars.generate_missing_key(dotenv);
        }
        Self::from(&vars)
    }

    /// Reads the configuration from `vars` (name, value) pairs; later pairs win. Unknown names
    /// are ignored, and a value that is empty or all whitespace counts as unset.
    pub fn from_vars<K, V>(vars: impl IntoIterator<Item = (K, V)>) -> Result<Self, ConfigError>
    where
        K: Into<String>,
        V: Into<String>,
    {
        Self::from(&Vars::from_pairs(vars))
    }

    fn from(vars: &Vars) -> Result<Self, ConfigError> {
        let mut problems: Vec<Problem> = vars
            .dotenv_problem()
            .filter(|p| p.variable == ".env")
            .into_iter()
            .collect();
        let mut keep = |problem| problems.push(problem);
        // The production rules depend on ENVIRONMENT; when it is invalid, that is reported and
        // the other variables are checked by the lenient (non-production) rules, except that
        // the development defaults are not applied.
        let environment = vars.environment().map_err(&mut keep).ok();
        let database_url = vars.database_url(environment).map_err(&mut keep).ok();
        let statement_timeout = vars.statement_timeout().map_err(&mut keep).ok();
        let encryption_key = vars.encryption_key().map_err(&mut keep).ok();
        let encryption_key_previous = vars.encryption_key_previous().map_err(&mut keep).ok();
        let redis_url = vars.redis_url(environment).map_err(&mut keep).ok();
        let port = vars.port().map_err(&mut keep).ok();
        let log_level = vars.log_level().map_err(&mut keep).ok();
        let jwt_secret = vars.jwt_secret(environment).map_err(&mut keep).ok();
        let auto_migrate = vars.auto_migrate(environment).map_err(&mut keep).ok();
        let shutdown_grace = vars.shutdown_grace(environment).map_err(&mut keep).ok();

        if problems.iter().any(|p| p.variable == ".env") {
            return Err(ConfigError::new(problems));
        }
        match (
            database_url,
            statement_timeout,
            encryption_key,
            redis_url,
            port,
            environment,
            log_level,
            jwt_secret,
            auto_migrate,
            encryption_key_previous,
            shutdown_grace,
        ) {
            (
                Some((database_url, database_url_origin)),
                Some(database_statement_timeout),
                Some((encryption_key, encryption_key_origin)),
                Some(redis_url),
                Some(port),
                Some(environment),
                Some(log_level),
                Some(jwt_secret),
                Some(auto_migrate),
                Some(encryption_key_previous),
                Some(shutdown_grace),
            ) => Ok(Self {
                database_url,
                database_url_origin,
                database_statement_timeout,
                encryption_key,
                encryption_key_origin,
                encryption_key_previous,
                redis_url,
                port,
                environment,
                log_level,
                jwt_secret,
                auto_migrate,
                shutdown_grace,
            }),
            _ => Err(ConfigError::new(problems)),
        }
    }
}
