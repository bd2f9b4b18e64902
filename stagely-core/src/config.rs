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

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use zeroize::Zeroizing;

use crate::crypto::{CryptoError, EncryptionKey};
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

/// The validated configuration of the service.
#[derive(Debug, Clone)]
pub struct Config {
    /// `DATABASE_URL` (required): the PostgreSQL server and database, a `postgres://` or
    /// `postgresql://` URL such as [`EXAMPLE_DATABASE_URL`]. Its password is redacted in `Debug`.
    pub database_url: SecretUrl,
    /// `DATABASE_STATEMENT_TIMEOUT` (default `30s`): the longest any single SQL statement may run
    /// before the server cancels it; set on every pooled connection. Written with a unit:
    /// `500ms`, `30s`, `2min`, `1h`.
    pub database_statement_timeout: Duration,
    /// `ENCRYPTION_KEY` (required): the AES-256-GCM key for secrets stored in the database, as
    /// exactly 64 hexadecimal characters (32 bytes). `stagely-core gen-key` prints a new one.
    pub encryption_key: EncryptionKey,
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
        write!(
            f,
            "Set the environment variables and start again. For local development, for example:\n  \
             export DATABASE_URL={EXAMPLE_DATABASE_URL}\n  \
             export ENCRYPTION_KEY=$(cargo run --quiet -p stagely-core -- gen-key)\n\
             See the Configuration section of README.md for every variable."
        )
    }
}

impl Config {
    /// Reads the configuration from the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        let mut vars = Vars::default();
        for (name, value) in std::env::vars_os() {
            // Names that are not UTF-8 cannot be any of ours.
            let Ok(name) = name.into_string() else { continue };
            match value.into_string() {
                Ok(value) => vars.set(name, value),
                Err(_) => vars.set_not_unicode(name),
            }
        }
        Self::from_parsed_vars(&vars)
    }

    /// Reads the configuration from `vars` (name, value) pairs; later pairs win. Unknown names
    /// are ignored, and a value that is empty or all whitespace counts as unset.
    pub fn from_vars<K, V>(vars: impl IntoIterator<Item = (K, V)>) -> Result<Self, ConfigError>
    where
        K: Into<String>,
        V: Into<String>,
    {
        let mut collected = Vars::default();
        for (name, value) in vars {
            collected.set(name.into(), value.into());
        }
        Self::from_parsed_vars(&collected)
    }

    fn from_parsed_vars(vars: &Vars) -> Result<Self, ConfigError> {
        let mut problems = Vec::new();

        let database_url = keep(
            &mut problems,
            vars.required("DATABASE_URL").and_then(database_url),
        );
        let statement_timeout = keep(
            &mut problems,
            vars.optional("DATABASE_STATEMENT_TIMEOUT")
                .and_then(|v| v.map_or(Ok(DEFAULT_STATEMENT_TIMEOUT), statement_timeout)),
        );
        let encryption_key = keep(
            &mut problems,
            vars.required("ENCRYPTION_KEY").and_then(encryption_key),
        );
        // The production rules depend on ENVIRONMENT; an invalid ENVIRONMENT is reported on its
        // own and the other variables are checked by the lenient (non-production) rules.
        let environment = keep(
            &mut problems,
            vars.optional("ENVIRONMENT").and_then(|v| {
                v.map_or(Ok(Environment::Development), |v| {
                    v.trim().parse().map_err(|()| Problem {
                        variable: "ENVIRONMENT",
                        message: format!("must be development, staging or production, got {:?}", v.trim()),
                    })
                })
            }),
        );
        let production = environment == Some(Environment::Production);
        let redis_url = keep(
            &mut problems,
            vars.optional("REDIS_URL").and_then(|v| match v {
                Some(v) => redis_url(v),
                None if production => Err(Problem {
                    variable: "REDIS_URL",
                    message: "is required when ENVIRONMENT=production; set a redis:// URL such as \
                          redis://redis.internal:6379"
                        .into(),
                }),
                None => redis_url(DEFAULT_REDIS_URL),
            }),
        );
        let port = keep(
            &mut problems,
            vars.optional("PORT")
                .and_then(|v| v.map_or(Ok(DEFAULT_PORT), port)),
        );
        let log_level = keep(
            &mut problems,
            vars.optional("LOG_LEVEL").and_then(|v| {
                v.map_or(Ok(LogLevel::Info), |v| {
                    v.trim().parse().map_err(|()| Problem {
                        variable: "LOG_LEVEL",
                        message: format!("must be debug, info, warn or error, got {:?}", v.trim()),
                    })
                })
            }),
        );
        let jwt_secret = keep(
            &mut problems,
            vars.optional("JWT_SECRET").and_then(|v| match v {
                Some(v) => jwt_secret(v).map(Some),
                None if production => Err(Problem {
                    variable: "JWT_SECRET",
                    message: format!(
                        "is required when ENVIRONMENT=production; set at least {MIN_JWT_SECRET_BYTES} \
                     random bytes, e.g. the output of `openssl rand -hex 32`"
                    ),
                }),
                None => Ok(None),
            }),
        );
        let auto_migrate = keep(
            &mut problems,
            vars.optional("AUTO_MIGRATE")
                .and_then(|v| v.map_or(Ok(!production), |v| boolean("AUTO_MIGRATE", v))),
        );

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
        ) {
            (
                Some(database_url),
                Some(database_statement_timeout),
                Some(encryption_key),
                Some(redis_url),
                Some(port),
                Some(environment),
                Some(log_level),
                Some(jwt_secret),
                Some(auto_migrate),
            ) => Ok(Self {
                database_url,
                database_statement_timeout,
                encryption_key,
                redis_url,
                port,
                environment,
                log_level,
                jwt_secret,
                auto_migrate,
            }),
            _ => Err(ConfigError { problems }),
        }
    }
}

/// The value of `result`, or `None` with its problem added to `problems`.
fn keep<T>(problems: &mut Vec<Problem>, result: Result<T, Problem>) -> Option<T> {
    result.map_err(|problem| problems.push(problem)).ok()
}

/// The raw variables, with the ones whose value is not UTF-8 remembered as such.
#[derive(Default)]
struct Vars {
    // Zeroized on drop: the map holds the secrets as given until parsing is done.
    values: HashMap<String, Option<Zeroizing<String>>>,
}

impl Vars {
    fn set(&mut self, name: String, value: String) {
        self.values.insert(name, Some(Zeroizing::new(value)));
    }

    fn set_not_unicode(&mut self, name: String) {
        self.values.insert(name, None);
    }

    /// The value of `name`, `None` when unset or blank.
    fn optional(&self, name: &'static str) -> Result<Option<&str>, Problem> {
        match self.values.get(name) {
            None => Ok(None),
            Some(None) => Err(Problem {
                variable: name,
                message: "is not valid UTF-8 text".into(),
            }),
            Some(Some(value)) if value.trim().is_empty() => Ok(None),
            Some(Some(value)) => Ok(Some(value.as_str())),
        }
    }

    fn required(&self, name: &'static str) -> Result<&str, Problem> {
        self.optional(name)?.ok_or_else(|| Problem {
            variable: name,
            message: match name {
                "DATABASE_URL" => {
                    format!("is not set; set a postgres:// URL such as {EXAMPLE_DATABASE_URL}")
                }
                "ENCRYPTION_KEY" => "is not set; set 64 hex characters (32 bytes), e.g. the \
                                     output of `stagely-core gen-key`"
                    .into(),
                _ => "is not set".into(),
            },
        })
    }
}

fn database_url(value: &str) -> Result<SecretUrl, Problem> {
    let problem = |message: String| Problem {
        variable: "DATABASE_URL",
        message,
    };
    let url = SecretUrl::parse(value.trim()).map_err(|e| {
        // The value itself is not echoed: it may contain a password.
        problem(format!(
            "is not a valid URL ({e}); expected a URL such as {EXAMPLE_DATABASE_URL}"
        ))
    })?;
    if !matches!(url.scheme(), "postgres" | "postgresql") {
        return Err(problem(format!(
            "must start with postgres:// or postgresql://, got a {}:// URL",
            url.scheme()
        )));
    }
    sqlx::postgres::PgConnectOptions::from_str(url.expose()).map_err(|e| {
        problem(format!(
            "is not a usable PostgreSQL URL ({}): {e}",
            url.redacted()
        ))
    })?;
    Ok(url)
}

fn encryption_key(value: &str) -> Result<EncryptionKey, Problem> {
    EncryptionKey::from_hex(value).map_err(|e| Problem {
        variable: "ENCRYPTION_KEY",
        message: match e {
            CryptoError::KeyLength { actual } => format!(
                "must be exactly 64 hex characters (32 bytes), got {actual} characters; \
                 `stagely-core gen-key` prints a valid key"
            ),
            CryptoError::KeyNotHex { position } => format!(
                "must contain only hex characters (0-9, a-f), but character {position} is not one; \
                 `stagely-core gen-key` prints a valid key"
            ),
            // Any other error message is written not to contain key material either.
            other => other.to_string(),
        },
    })
}

fn redis_url(value: &str) -> Result<SecretUrl, Problem> {
    let problem = |message: String| Problem {
        variable: "REDIS_URL",
        message,
    };
    let url = SecretUrl::parse(value.trim()).map_err(|e| {
        problem(format!(
            "is not a valid URL ({e}); expected a URL such as {DEFAULT_REDIS_URL}"
        ))
    })?;
    if !matches!(url.scheme(), "redis" | "rediss") {
        return Err(problem(format!(
            "must start with redis:// (or rediss:// for TLS), got a {}:// URL",
            url.scheme()
        )));
    }
    if url::Url::parse(url.expose()).map_or(true, |u| u.host_str().is_none_or(str::is_empty)) {
        return Err(problem(format!(
            "must name a host, as in {DEFAULT_REDIS_URL}, got {}",
            url.redacted()
        )));
    }
    Ok(url)
}

fn port(value: &str) -> Result<u16, Problem> {
    match value.trim().parse::<u16>() {
        Ok(port) if port > 0 => Ok(port),
        _ => Err(Problem {
            variable: "PORT",
            message: format!("must be a number from 1 to 65535, got {:?}", value.trim()),
        }),
    }
}

fn jwt_secret(value: &str) -> Result<Secret, Problem> {
    let value = Secret::new(value);
    if value.expose().len() < MIN_JWT_SECRET_BYTES {
        return Err(Problem {
            variable: "JWT_SECRET",
            message: format!(
                "must be at least {MIN_JWT_SECRET_BYTES} bytes long, got {}; \
                 `openssl rand -hex 32` prints a suitable one",
                value.expose().len()
            ),
        });
    }
    Ok(value)
}

fn boolean(variable: &'static str, value: &str) -> Result<bool, Problem> {
    match value.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => Ok(true),
        "false" | "0" | "no" | "off" => Ok(false),
        other => Err(Problem {
            variable,
            message: format!("must be true or false, got {other:?}"),
        }),
    }
}

fn statement_timeout(value: &str) -> Result<Duration, Problem> {
    let problem = || Problem {
        variable: "DATABASE_STATEMENT_TIMEOUT",
        message: format!(
            "must be a positive duration with a unit, such as 500ms, 30s, 2min or 1h, \
             at most 24 days; got {:?}",
            value.trim()
        ),
    };
    let duration = parse_duration(value.trim()).ok_or_else(problem)?;
    // PostgreSQL keeps statement_timeout in milliseconds in a 32-bit integer.
    if duration < Duration::from_millis(1) || duration.as_millis() > i32::MAX as u128 {
        return Err(problem());
    }
    Ok(duration)
}

/// `500ms`, `30s`, `2m`/`2min`, `1h` (whitespace between number and unit allowed).
fn parse_duration(value: &str) -> Option<Duration> {
    let split = value.find(|c: char| !c.is_ascii_digit())?;
    let (number, unit) = value.split_at(split);
    let number: u64 = number.parse().ok()?;
    let millis_per_unit = match unit.trim().to_ascii_lowercase().as_str() {
        "ms" => 1,
        "s" | "sec" => 1_000,
        "m" | "min" => 60_000,
        "h" => 3_600_000,
        _ => return None,
    };
    number.checked_mul(millis_per_unit).map(Duration::from_millis)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_durations_with_units() {
        assert_eq!(parse_duration("500ms"), Some(Duration::from_millis(500)));
        assert_eq!(parse_duration("30s"), Some(Duration::from_secs(30)));
        assert_eq!(parse_duration("2 min"), Some(Duration::from_secs(120)));
        assert_eq!(parse_duration("1h"), Some(Duration::from_secs(3600)));
        assert_eq!(parse_duration("30"), None);
        assert_eq!(parse_duration("s"), None);
        assert_eq!(parse_duration("1.5s"), None);
        assert_eq!(parse_duration("99999999999999999999s"), None);
    }
}
