//! The `stagely-core` binary: `serve` (the default), `migrate ...`, `gen-key` and `rotate-key`.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use stagely_core::config::{Config, KeysConfig, Origin, SchemaConfig};
use stagely_core::db::{self, PoolSettings, RetryPolicy};
use stagely_core::migrate::{self, MigrateCommand};
use stagely_core::secret::SecretUrl;
use stagely_core::{crypto, http, logging, rotate};

/// Exit code for a configuration the service cannot start with.
const EXIT_CONFIG: u8 = 2;
/// Exit code for a failure while running (database unreachable, migration failed, ...).
const EXIT_FAILURE: u8 = 1;

/// The Stagely control plane. Configured through environment variables (see README.md).
#[derive(Debug, Parser)]
#[command(name = "stagely-core", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the HTTP API (the default when no command is given).
    Serve,
    /// Change or inspect the database schema in DATABASE_URL.
    Migrate {
        #[command(subcommand)]
        action: MigrateAction,
    },
    /// Print a new random ENCRYPTION_KEY (64 hex characters).
    GenKey,
    /// Re-encrypt every encrypted column with ENCRYPTION_KEY, opening values with it or with
    /// ENCRYPTION_KEY_PREVIOUS; in batches, one transaction each; safe to run again after an
    /// interruption (it finishes what is left).
    RotateKey {
        /// Rows re-encrypted per transaction.
        #[arg(long, default_value_t = rotate::DEFAULT_BATCH_SIZE, value_parser = clap::value_parser!(u32).range(1..))]
        batch_size: u32,
    },
}

#[derive(Debug, Clone, Copy, Subcommand)]
enum MigrateAction {
    /// Apply every pending migration.
    Up,
    /// Revert the most recently applied migrations.
    Down {
        /// How many migrations to revert.
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
        steps: u32,
    },
    /// List the migrations and whether each is applied.
    Status,
    /// Revert the most recent migration and apply it again.
    Redo,
}

/// A reason to stop, with the exit code it calls for.
struct Failure {
    code: u8,
    message: String,
}

impl Failure {
    fn config(error: impl std::fmt::Display) -> Self {
        Self {
            code: EXIT_CONFIG,
            message: error.to_string(),
        }
    }

    fn runtime(error: impl std::fmt::Display) -> Self {
        Self {
            code: EXIT_FAILURE,
            message: error.to_string(),
        }
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve().await,
        Command::Migrate { action } => migrate(action).await,
        Command::GenKey => {
            println!("{}", crypto::generate_key().to_hex().as_str());
            Ok(())
        }
        Command::RotateKey { batch_size } => rotate_key(batch_size).await,
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("stagely-core: {}", failure.message);
            ExitCode::from(failure.code)
        }
    }
}

/// The start-up story of the service.
async fn serve() -> Result<(), Failure> {
    // Configuration first: every missing or invalid variable is reported at once.
    let config = Config::from_env().map_err(Failure::config)?;

    // Logging at LOG_LEVEL; JSON lines in production.
    logging::init(config.log_level, config.environment).map_err(Failure::runtime)?;
    tracing::info!(environment = %config.environment, port = config.port, "starting stagely-core");

    // Development defaults, said out loud; a local database they point at is created if missing.
    announce_key_origin(&config.encryption_key_origin);
    prepare_default_database(&config.database_url, &config.database_url_origin).await;

    // The database, retried while it may still be starting up.
    let settings = PoolSettings::from_config(&config);
    let pool = db::connect(&config.database_url, &settings, &RetryPolicy::default())
        .await
        .map_err(Failure::runtime)?;

    // Pending migrations, when AUTO_MIGRATE asks for them (off by default in production).
    if config.auto_migrate {
        tracing::info!("AUTO_MIGRATE is on: applying pending migrations");
        // The runner uses a connection of its own, never a pooled one: a failed migration can
        // leave sqlx's advisory lock held on its connection.
        match migrate::run(config.database_url.expose(), MigrateCommand::Up).await {
            Ok(report) => tracing::info!("{report}"),
            Err(error) => {
                pool.close().await;
                return Err(Failure::runtime(error));
            }
        }
    }

    // Serve until SIGINT or SIGTERM; then drain for SHUTDOWN_GRACE (readiness fails, requests
    // are still served), stop accepting, let in-flight requests finish, close the pool.
    let stops = http::forward_signals().map_err(Failure::runtime)?;
    let listener = match http::bind(config.port).await {
        Ok(listener) => listener,
        Err(error) => {
            pool.close().await;
            return Err(Failure::runtime(error));
        }
    };
    let state = http::AppState::new(pool.clone());
    let draining = state.draining.clone();
    let app = http::app(state);
    http::serve_until_stopped(listener, app, pool, draining, config.shutdown_grace, stops)
        .await
        .map_err(Failure::runtime)?;
    tracing::info!("stopped");
    Ok(())
}

/// `stagely-core migrate ...`: needs only DATABASE_URL (and LOG_LEVEL, ENVIRONMENT for logs).
async fn migrate(action: MigrateAction) -> Result<(), Failure> {
    let config = SchemaConfig::from_env().map_err(Failure::config)?;
    logging::init(config.log_level, config.environment).map_err(Failure::runtime)?;
    prepare_default_database(&config.database_url, &config.database_url_origin).await;
    let command = match action {
        MigrateAction::Up => MigrateCommand::Up,
        MigrateAction::Down { steps } => MigrateCommand::Down { steps },
        MigrateAction::Status => MigrateCommand::Status,
        MigrateAction::Redo => MigrateCommand::Redo,
    };
    let report = migrate::run(config.database_url.expose(), command)
        .await
        .map_err(Failure::runtime)?;
    println!("{report}");
    Ok(())
}

/// `stagely-core rotate-key`: needs DATABASE_URL and the keys (not the service's other secrets).
async fn rotate_key(batch_size: u32) -> Result<(), Failure> {
    let config = KeysConfig::from_env().map_err(Failure::config)?;
    logging::init(config.log_level, config.environment).map_err(Failure::runtime)?;
    if config.encryption_key_previous.is_none() {
        tracing::warn!(
            "ENCRYPTION_KEY_PREVIOUS is not set: every value must already open with ENCRYPTION_KEY, \
             so this run only checks"
        );
    }
    let settings = PoolSettings {
        statement_timeout: config.database_statement_timeout,
        min_connections: 0,
        max_connections: 2,
        ..PoolSettings::default()
    };
    let pool = db::connect_as(
        &config.database_url,
        &settings,
        &RetryPolicy::default(),
        "stagely-core rotate-key",
    )
    .await
    .map_err(Failure::runtime)?;
    let outcome = rotate::rotate(
        &pool,
        &config.keys(),
        stagely_models::ENCRYPTED_COLUMNS,
        batch_size,
    )
    .await;
    pool.close().await;
    println!("{}", outcome.map_err(Failure::runtime)?);
    Ok(())
}

/// Logs where `ENCRYPTION_KEY` came from when it was not the environment (development only).
fn announce_key_origin(origin: &Origin) {
    match origin {
        Origin::DotEnv(path) => tracing::info!(
            file = %path.display(),
            "ENCRYPTION_KEY is not set in the environment: using the development key kept in .env"
        ),
        Origin::Generated(path) => tracing::warn!(
            file = %path.display(),
            "ENCRYPTION_KEY is not set: generated a development key and saved it in .env; keep that \
             file, it decrypts the secrets stored in this database (development only)"
        ),
        Origin::Environment | Origin::LibpqDefaults => {}
    }
}

/// When `DATABASE_URL` was not set (development only): says which server libpq's defaults
/// reach, and creates the database there when it is missing.
async fn prepare_default_database(url: &SecretUrl, origin: &Origin) {
    match origin {
        Origin::LibpqDefaults => {}
        Origin::DotEnv(path) => {
            tracing::info!(url = %url, file = %path.display(), "DATABASE_URL comes from .env");
            return;
        }
        Origin::Environment | Origin::Generated(_) => return,
    }
    tracing::info!(
        url = %url,
        "DATABASE_URL is not set: using the local PostgreSQL by libpq's defaults (development only)"
    );
    match db::create_database_if_missing(url, std::time::Duration::from_secs(5)).await {
        Ok(true) => tracing::info!(url = %url, "created the development database"),
        Ok(false) => {}
        // Connecting, next, retries and then says what is wrong.
        Err(error) => tracing::warn!(url = %url, %error, "could not check for the development database"),
    }
}
