//! The `stagely-core` binary: `serve` (the default), `migrate ...` and `gen-key`.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use stagely_core::config::{Config, SchemaConfig};
use stagely_core::db::{self, PoolSettings, RetryPolicy};
use stagely_core::migrate::{self, MigrateCommand};
use stagely_core::{crypto, http, logging};

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

    // Serve until SIGINT or SIGTERM; in-flight requests finish, then the pool is closed.
    let listener = match http::bind(config.port).await {
        Ok(listener) => listener,
        Err(error) => {
            pool.close().await;
            return Err(Failure::runtime(error));
        }
    };
    let app = http::app(http::AppState::new(pool.clone()));
    http::serve(listener, app, pool, http::shutdown_signal())
        .await
        .map_err(Failure::runtime)?;
    tracing::info!("stopped");
    Ok(())
}

/// `stagely-core migrate ...`: needs only DATABASE_URL (and LOG_LEVEL, ENVIRONMENT for logs).
async fn migrate(action: MigrateAction) -> Result<(), Failure> {
    let config = SchemaConfig::from_env().map_err(Failure::config)?;
    logging::init(config.log_level, config.environment).map_err(Failure::runtime)?;
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
