//! The smaller configurations of the commands besides `serve`, which need only part of what
//! the service reads.

use std::time::Duration;

use super::rules::Vars;
use super::{ConfigError, Environment, LogLevel, Origin, Problem};
use crate::crypto::{EncryptionKey, KeyRing};
use crate::secret::SecretUrl;

/// The part of the configuration `stagely-core migrate` needs: it changes the schema and
/// nothing else, so it does not ask for the service's secrets.
#[derive(Debug, Clone)]
pub struct SchemaConfig {
    /// `DATABASE_URL`, as in [`Config::database_url`].
    pub database_url: SecretUrl,
    /// Where [`SchemaConfig::database_url`] came from.
    pub database_url_origin: Origin,
    /// `ENVIRONMENT`, as in [`Config::environment`] (selects the log format).
    pub environment: Environment,
    /// `LOG_LEVEL`, as in [`Config::log_level`].
    pub log_level: LogLevel,
}

impl SchemaConfig {
    /// Reads `DATABASE_URL`, `ENVIRONMENT` and `LOG_LEVEL` from the process environment and,
    /// in development, from the repository's `.env` ([`super::dotenv_path`]).
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from(&Vars::from_env_with_dotenv())
    }

    /// Reads `DATABASE_URL`, `ENVIRONMENT` and `LOG_LEVEL` from `vars`, as [`Config::from_vars`].
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
        let environment = vars.environment().map_err(&mut keep).ok();
        let database_url = vars.database_url(environment).map_err(&mut keep).ok();
        let log_level = vars.log_level().map_err(&mut keep).ok();
        if problems.iter().any(|p| p.variable == ".env") {
            return Err(ConfigError::new(problems));
        }
        match (database_url, environment, log_level) {
            (Some((database_url, database_url_origin)), Some(environment), Some(log_level)) => Ok(Self {
                database_url,
                database_url_origin,
                environment,
                log_level,
            }),
            _ => Err(ConfigError::new(problems)),
        }
    }
}

/// What `stagely-core rotate-key` needs: the database and both keys.
#[derive(Debug, Clone)]
pub struct KeysConfig {
    /// `DATABASE_URL`, as in [`super::Config::database_url`].
    pub database_url: SecretUrl,
    /// Where [`KeysConfig::database_url`] came from.
    pub database_url_origin: Origin,
    /// `DATABASE_STATEMENT_TIMEOUT`, as in [`super::Config::database_statement_timeout`].
    pub database_statement_timeout: Duration,
    /// `ENCRYPTION_KEY`: the key values are re-encrypted with.
    pub encryption_key: EncryptionKey,
    /// `ENCRYPTION_KEY_PREVIOUS`: the key values are re-encrypted from.
    pub encryption_key_previous: Option<EncryptionKey>,
    /// `ENVIRONMENT`, as in [`super::Config::environment`].
    pub environment: Environment,
    /// `LOG_LEVEL`, as in [`super::Config::log_level`].
    pub log_level: LogLevel,
}

impl KeysConfig {
    /// Reads the variables from the process environment and, in development, from the
    /// repository's `.env` (no key is generated: rotating needs the keys that were used).
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from(&Vars::from_env_with_dotenv())
    }

    /// Reads the variables from `vars`, as [`super::Config::from_vars`].
    pub fn from_vars<K, V>(vars: impl IntoIterator<Item = (K, V)>) -> Result<Self, ConfigError>
    where
        K: Into<String>,
        V: Into<String>,
    {
        Self::from(&Vars::from_pairs(vars))
    }

    /// The keys to rotate with.
    pub fn keys(&self) -> KeyRing {
        KeyRing::new(self.encryption_key.clone(), self.encryption_key_previous.clone())
    }

    fn from(vars: &Vars) -> Result<Self, ConfigError> {
        let mut problems: Vec<Problem> = vars.dotenv_problem().into_iter().collect();
        let mut keep = |problem| problems.push(problem);
        let environment = vars.environment().map_err(&mut keep).ok();
        let database_url = vars.database_url(environment).map_err(&mut keep).ok();
        let statement_timeout = vars.statement_timeout().map_err(&mut keep).ok();
        let encryption_key = vars.encryption_key().map_err(&mut keep).ok();
        let previous = vars.encryption_key_previous().map_err(&mut keep).ok();
        let log_level = vars.log_level().map_err(&mut keep).ok();
        if problems.iter().any(|p| p.variable == ".env") {
            return Err(ConfigError::new(problems));
        }
        match (
            database_url,
            statement_timeout,
            encryption_key,
            previous,
            environment,
            log_level,
        ) {
            (
                Some((database_url, database_url_origin)),
                Some(database_statement_timeout),
                Some((encryption_key, _)),
                Some(encryption_key_previous),
                Some(environment),
                Some(log_level),
            ) => Ok(Self {
                database_url,
                database_url_origin,
                database_statement_timeout,
                encryption_key,
                encryption_key_previous,
                environment,
                log_level,
            }),
            _ => Err(ConfigError::new(problems)),
        }
    }
}
