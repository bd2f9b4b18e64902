//! One rule per variable: how its text becomes a typed value, and what is said when it cannot.
//!
//! Messages name what is expected and how to get a valid value, and never repeat a secret.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use zeroize::Zeroizing;

use super::devenv::{self, Origin};
use super::{
    DEFAULT_PORT, DEFAULT_REDIS_URL, DEFAULT_SHUTDOWN_GRACE, DEFAULT_STATEMENT_TIMEOUT, EXAMPLE_DATABASE_URL,
    Environment, LogLevel, MIN_JWT_SECRET_BYTES, Problem,
};
use crate::crypto::{CryptoError, EncryptionKey};
use crate::secret::{Secret, SecretUrl};

/// The raw variables, with the ones whose value is not UTF-8 remembered as such.
#[derive(Default)]
pub(super) struct Vars {
    // Zeroized on drop: the map holds the secrets as given until parsing is done.
    values: HashMap<String, Option<Zeroizing<String>>>,
    /// The `.env` file read into `values`, if any, and the names whose values came from it.
    dotenv: Option<(PathBuf, HashSet<String>)>,
    /// The `.env` file a generated `ENCRYPTION_KEY` was saved in.
    generated_key: Option<PathBuf>,
    /// A problem met while reading or writing the `.env` file.
    dotenv_problem: Option<Problem>,
}

impl Vars {
    /// The process environment and, in development, what the repository's `.env` adds
    /// ([`devenv::dotenv_path`]); nothing is generated into it.
    pub(super) fn from_env_with_dotenv() -> Self {
        let mut vars = Self::from_env();
        if vars.is_development() {
            vars.apply_dotenv(&devenv::dotenv_path());
        }
        vars
    }

    /// The process environment.
    pub(super) fn from_env() -> Self {
        let mut vars = Self::default();
        for (name, value) in std::env::vars_os() {
            // Names that are not UTF-8 cannot be any of ours.
            let Ok(name) = name.into_string() else { continue };
            match value.into_string() {
                Ok(value) => vars.set(name, value),
                Err(_) => {
                    vars.values.insert(name, None);
                }
            }
        }
        vars
    }

    /// `pairs`, later ones winning.
    pub(super) fn from_pairs<K, V>(pairs: impl IntoIterator<Item = (K, V)>) -> Self
    where
        K: Into<String>,
        V: Into<String>,
    {
        let mut vars = Self::default();
        for (name, value) in pairs {
            vars.set(name.into(), value.into());
        }
        vars
    }

    fn set(&mut self, name: String, value: String) {
        self.values.insert(name, Some(Zeroizing::new(value)));
    }

    /// Development only: fills in what the environment leaves unset from the `.env` file at
    /// `path`.
    pub(super) fn apply_dotenv(&mut self, path: &Path) {
        let file = match devenv::read_dotenv(path) {
            Ok(file) => file,
            Err(message) => {
                self.dotenv_problem = Some(Problem {
                    variable: ".env",
                    message: format!("({}) {message}", path.display()),
                });
                return;
            }
        };
        let mut taken = HashSet::new();
        for (name, value) in file {
            // ENVIRONMENT decides whether .env may be read at all: only the environment sets it.
            if name == "ENVIRONMENT" || matches!(self.optional(&name), Ok(Some(_)) | Err(_)) {
                continue;
            }
            taken.insert(name.clone());
            self.set(name, value);
        }
        self.dotenv = Some((path.to_path_buf(), taken));
    }

    /// Development only: when `ENCRYPTION_KEY` is still unset, generates one and saves it in
    /// the `.env` file at `path` for the next run.
    pub(super) fn generate_missing_key(&mut self, path: &Path) {
        if self.dotenv_problem.is_some() || !matches!(self.optional("ENCRYPTION_KEY"), Ok(None)) {
            return;
        }
        match devenv::generate_key_into(path) {
            Ok(key) => {
                self.set("ENCRYPTION_KEY".into(), key.to_hex().to_string());
                self.generated_key = Some(path.to_path_buf());
            }
            Err(error) => {
                self.dotenv_problem = Some(Problem {
                    variable: "ENCRYPTION_KEY",
                    message: format!(
                        "is not set, and a development key could not be saved in {}: {error}; \
                         set ENCRYPTION_KEY (e.g. to the output of `stagely-core gen-key`)",
                        path.display()
                    ),
                });
            }
        }
    }

    /// A problem met reading or writing the `.env` file, if any.
    pub(super) fn dotenv_problem(&self) -> Option<Problem> {
        self.dotenv_problem.clone()
    }

    /// Where the value of `name` came from.
    fn origin(&self, name: &str) -> Origin {
        if name == "ENCRYPTION_KEY"
            && let Some(path) = &self.generated_key
        {
            return Origin::Generated(path.clone());
        }
        match &self.dotenv {
            Some((path, taken)) if taken.contains(name) => Origin::DotEnv(path.clone()),
            _ => Origin::Environment,
        }
    }

    /// Whether `ENVIRONMENT`, as the process environment gives it, is development (or unset).
    pub(super) fn is_development(&self) -> bool {
        self.environment() == Ok(Environment::Development)
    }

    /// The value of `name`, `None` when unset or blank.
    pub(super) fn optional(&self, name: &str) -> Result<Option<&str>, Problem> {
        match self.values.get(name) {
            None => Ok(None),
            Some(None) => Err(Problem {
                variable: super::VARIABLES
                    .iter()
                    .find(|v| **v == name)
                    .copied()
                    .unwrap_or("(a libpq variable)"),
                message: "is not valid UTF-8 text".into(),
            }),
            Some(Some(value)) if value.trim().is_empty() => Ok(None),
            Some(Some(value)) => Ok(Some(value.as_str())),
        }
    }

    /// The value of `name`, or a problem saying how to set it.
    fn required(&self, name: &'static str, how_to_set: &str) -> Result<&str, Problem> {
        self.optional(name)?.ok_or_else(|| Problem {
            variable: name,
            message: format!("is not set; {how_to_set}"),
        })
    }

    /// `DATABASE_URL`; in development, when unset, the local server by libpq's defaults.
    pub(super) fn database_url(
        &self,
        environment: Option<Environment>,
    ) -> Result<(SecretUrl, Origin), Problem> {
        if environment == Some(Environment::Development) && self.optional("DATABASE_URL")?.is_none() {
            let url = database_url(&devenv::libpq_default_url(self))?;
            return Ok((url, Origin::LibpqDefaults));
        }
        let how = format!("set a postgres:// URL such as {EXAMPLE_DATABASE_URL}");
        let url = database_url(self.required("DATABASE_URL", &how)?).map_err(|p| self.noting_dotenv(p))?;
        Ok((url, self.origin("DATABASE_URL")))
    }

    /// `problem`, saying which file its value came from when that was `.env`.
    fn noting_dotenv(&self, mut problem: Problem) -> Problem {
        if let Origin::DotEnv(path) = self.origin(problem.variable) {
            problem.message = format!("{} (the value comes from {})", problem.message, path.display());
        }
        problem
    }

    pub(super) fn statement_timeout(&self) -> Result<Duration, Problem> {
        self.optional("DATABASE_STATEMENT_TIMEOUT")?
            .map_or(Ok(DEFAULT_STATEMENT_TIMEOUT), statement_timeout)
    }

    pub(super) fn encryption_key(&self) -> Result<(EncryptionKey, Origin), Problem> {
        if let Some(problem) = self
            .dotenv_problem
            .clone()
            .filter(|p| p.variable == "ENCRYPTION_KEY")
        {
            return Err(problem);
        }
        let how = "set 64 hex characters (32 bytes), e.g. the output of `stagely-core gen-key`";
        let key = encryption_key("ENCRYPTION_KEY", self.required("ENCRYPTION_KEY", how)?)
            .map_err(|p| self.noting_dotenv(p))?;
        Ok((key, self.origin("ENCRYPTION_KEY")))
    }

    /// `ENCRYPTION_KEY_PREVIOUS`: optional, the same rules as `ENCRYPTION_KEY`.
    pub(super) fn encryption_key_previous(&self) -> Result<Option<EncryptionKey>, Problem> {
        self.optional("ENCRYPTION_KEY_PREVIOUS")?
            .map(|value| encryption_key("ENCRYPTION_KEY_PREVIOUS", value).map_err(|p| self.noting_dotenv(p)))
            .transpose()
    }

    /// `SHUTDOWN_GRACE`: by default 5 s in staging and production (where a load balancer must
    /// notice the failing readiness before the listener closes), none in development.
    pub(super) fn shutdown_grace(&self, environment: Option<Environment>) -> Result<Duration, Problem> {
        let default = match environment {
            Some(Environment::Staging | Environment::Production) => DEFAULT_SHUTDOWN_GRACE,
            _ => Duration::ZERO,
        };
        self.optional("SHUTDOWN_GRACE")?
            .map_or(Ok(default), shutdown_grace)
    }

    pub(super) fn redis_url(&self, environment: Option<Environment>) -> Result<SecretUrl, Problem> {
        match self.optional("REDIS_URL")? {
            Some(value) => redis_url(value),
            None if environment == Some(Environment::Production) => Err(Problem {
                variable: "REDIS_URL",
                message: "is required when ENVIRONMENT=production; set a redis:// URL such as \
                          redis://redis.internal:6379"
                    .into(),
            }),
            None => redis_url(DEFAULT_REDIS_URL),
        }
    }

    pub(super) fn port(&self) -> Result<u16, Problem> {
        self.optional("PORT")?.map_or(Ok(DEFAULT_PORT), port)
    }

    pub(super) fn environment(&self) -> Result<Environment, Problem> {
        let Some(value) = self.optional("ENVIRONMENT")? else {
            return Ok(Environment::Development);
        };
        value.trim().parse().map_err(|()| Problem {
            variable: "ENVIRONMENT",
            message: format!(
                "must be development, staging or production, got {:?}",
                value.trim()
            ),
        })
    }

    pub(super) fn log_level(&self) -> Result<LogLevel, Problem> {
        let Some(value) = self.optional("LOG_LEVEL")? else {
            return Ok(LogLevel::Info);
        };
        value.trim().parse().map_err(|()| Problem {
            variable: "LOG_LEVEL",
            message: format!("must be debug, info, warn or error, got {:?}", value.trim()),
        })
    }

    pub(super) fn jwt_secret(&self, environment: Option<Environment>) -> Result<Option<Secret>, Problem> {
        match self.optional("JWT_SECRET")? {
            Some(value) => jwt_secret(value).map(Some),
            None if environment == Some(Environment::Production) => Err(Problem {
                variable: "JWT_SECRET",
                message: format!(
                    "is required when ENVIRONMENT=production; set at least {MIN_JWT_SECRET_BYTES} \
                     random bytes, e.g. the output of `openssl rand -hex 32`"
                ),
            }),
            None => Ok(None),
        }
    }

    pub(super) fn auto_migrate(&self, environment: Option<Environment>) -> Result<bool, Problem> {
        // Production schema changes are a deliberate step unless the operator opts in.
        let default = environment != Some(Environment::Production);
        self.optional("AUTO_MIGRATE")?
            .map_or(Ok(default), |value| boolean("AUTO_MIGRATE", value))
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

fn encryption_key(variable: &'static str, value: &str) -> Result<EncryptionKey, Problem> {
    EncryptionKey::from_hex(value).map_err(|e| Problem {
        variable,
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

fn shutdown_grace(value: &str) -> Result<Duration, Problem> {
    let problem = || Problem {
        variable: "SHUTDOWN_GRACE",
        message: format!(
            "must be 0 or a duration with a unit, such as 500ms, 5s or 1min, at most 1h; got {:?}",
            value.trim()
        ),
    };
    let duration = if value.trim() == "0" {
        Duration::ZERO
    } else {
        parse_duration(value.trim()).ok_or_else(problem)?
    };
    if duration > Duration::from_secs(3600) {
        return Err(problem());
    }
    Ok(duration)
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
