//! Log output: human-readable lines for people, JSON lines in production for log collectors.
//!
//! Logs go to standard error so that standard output stays clean for command output
//! (`gen-key`, `migrate status`).

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

use crate::config::{Environment, LogLevel};

/// Logging could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum LoggingError {
    /// A global subscriber was already installed (logging initialised twice in one process).
    #[error("logging was already initialised in this process: {0}")]
    AlreadyInitialised(String),
}

/// Installs the global log subscriber: events at `level` and above, as JSON lines when
/// `environment` is production, else as readable text.
pub fn init(level: LogLevel, environment: Environment) -> Result<(), LoggingError> {
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter(level))
        .with_writer(std::io::stderr)
        // Colour codes only help a person at a terminal; in files and collectors they are noise.
        .with_ansi(std::io::stderr().is_terminal());
    let installed = if environment == Environment::Production {
        builder
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .try_init()
    } else {
        builder.try_init()
    };
    installed.map_err(|e| LoggingError::AlreadyInitialised(e.to_string()))
}

/// The event filter for `level`.
///
/// PostgreSQL NOTICEs (sqlx logs them at info) are shown only at `debug`: the idempotent
/// migrations raise one for every `IF EXISTS` / `IF NOT EXISTS` that finds nothing to do,
/// which is expected and would bury the lines that matter.
pub fn filter(level: LogLevel) -> EnvFilter {
    let notices = if level == LogLevel::Debug { "debug" } else { "warn" };
    EnvFilter::new(format!("{},sqlx::postgres::notice={notices}", level.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postgres_notices_show_only_when_debugging() {
        assert_eq!(
            filter(LogLevel::Info).to_string(),
            "sqlx::postgres::notice=warn,info"
        );
        assert_eq!(
            filter(LogLevel::Error).to_string(),
            "sqlx::postgres::notice=warn,error"
        );
        assert_eq!(
            filter(LogLevel::Debug).to_string(),
            "sqlx::postgres::notice=debug,debug"
        );
    }
}
