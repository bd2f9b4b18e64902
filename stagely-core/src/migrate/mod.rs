//! Applying and reverting the schema migrations (`stagely-core migrate up | down | status | redo`).
//!
//! The migrations are `schema/migrations/*.sql`, embedded in the binary by the code generator
//! as [`MIGRATIONS`]. Each becomes a reversible pair in a sqlx [`Migrator`] (see [`migrator`]),
//! and sqlx's PostgreSQL migration support does the rest: it records each applied migration
//! with a SHA-384 checksum of its Up section in `_sqlx_migrations`, runs each migration together
//! with that bookkeeping in one transaction, and serialises concurrent runners with an
//! advisory lock. On top of that this module:
//!
//! - runs every command on its own connection and closes it on every outcome: sqlx leaves its
//!   advisory lock held when a migration fails, and a pooled connection would keep it (and
//!   block every later runner) for as long as the pool lives;
//! - reports a failure as `Migration 006_create_environments.sql failed at line 42: ERROR: ...`,
//!   the line of the file PostgreSQL's error position points at;
//! - refuses, by file name, to run when an applied migration's SQL has changed since.
//!
//! ```no_run
//! use stagely_core::migrate::{self, MigrateCommand};
//!
//! # async fn example() -> Result<(), migrate::MigrateError> {
//! let report = migrate::run("postgres://stagely@127.0.0.1/stagely", MigrateCommand::Up).await?;
//! println!("{report}");
//! # Ok(())
//! # }
//! ```

mod error;
mod report;

use std::borrow::Cow;
use std::collections::HashMap;
use std::str::FromStr;
use std::time::Duration;

use sqlx::migrate::{AppliedMigration, Migrate, MigrationType, Migrator};
use sqlx::postgres::{PgConnectOptions, PgConnection};
use sqlx::types::chrono::{DateTime, Utc};
use sqlx::{AssertSqlSafe, ConnectOptions, Connection, SqlSafeStr};

pub use error::{Direction, MigrateError};
pub use report::{MigrateReport, MigrationRef, MigrationState, MigrationStatus};
pub use stagely_models::migrations::{MIGRATIONS, Migration};

/// The table sqlx records applied migrations in (its default).
const MIGRATIONS_TABLE: &str = "_sqlx_migrations";

/// How long to wait for the database to accept the migration connection.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);

/// How the migration connection shows up in `pg_stat_activity`, unless the URL names one.
const APPLICATION_NAME: &str = "stagely-core migrate";

/// A `stagely-core migrate` subcommand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MigrateCommand {
    /// Apply every pending migration, in order.
    Up,
    /// Revert the newest `steps` applied migrations, newest first.
    Down {
        /// How many to revert (the CLI's `--steps`, default 1); at least 1.
        steps: u32,
    },
    /// Show every migration and whether it is applied, pending, or changed since applied.
    Status,
    /// Revert the newest applied migration and apply it again (to try an edited Down/Up pair
    /// during development).
    Redo,
}

/// Runs `command` with the migrations built into this binary ([`MIGRATIONS`]).
///
/// # Errors
/// See [`MigrateError`]: an unusable URL or unreachable server, a failing migration (rolled
/// back, located by file and line), an applied migration whose SQL changed, and so on.
pub async fn run(database_url: &str, command: MigrateCommand) -> Result<MigrateReport, MigrateError> {
    run_with(database_url, MIGRATIONS, command).await
}

/// Runs `command` with the given migrations instead of the built-in ones (for tests, and
/// for tools that embed another migration set).
///
/// `migrations` must be in ascending version order with no version twice, as the generator
/// emits them.
///
/// # Errors
/// As [`run`], plus [`MigrateError::InvalidMigrations`] for a badly ordered list.
pub async fn run_with(
    database_url: &str,
    migrations: &[Migration],
    command: MigrateCommand,
) -> Result<MigrateReport, MigrateError> {
    check_order(migrations)?;
    if command == (MigrateCommand::Down { steps: 0 }) {
        return Err(MigrateError::ZeroSteps);
    }
    let mut conn = connect(database_url).await?;
    let outcome = execute(&mut conn, migrations, command).await;
    // Closing ends the session, which is what releases sqlx's advisory lock after a failed
    // migration (and rolls back anything left open); on success it merely tidies up.
    if let Err(err) = conn.close().await {
        tracing::debug!(error = %err, "closing the migration connection failed; the socket is dropped anyway");
    }
    outcome
}

/// A sqlx [`Migrator`] over `migrations`: each becomes a reversible pair, its Up section
/// (checksummed) and its Down section, each run in its own transaction.
pub fn migrator(migrations: &[Migration]) -> Migrator {
    let pair = |m: &Migration| {
        let part = |kind, sql: &'static str| {
            // The SQL is the project's own migration files, compiled in: not user input.
            let sql = AssertSqlSafe(Cow::Borrowed(sql)).into_sql_str();
            sqlx::migrate::Migration::new(m.version, Cow::Borrowed(m.name), kind, sql, false)
        };
        [
            part(MigrationType::ReversibleUp, m.up_sql),
            part(MigrationType::ReversibleDown, m.down_sql),
        ]
    };
    Migrator::with_migrations(migrations.iter().flat_map(pair).collect())
}

fn check_order(migrations: &[Migration]) -> Result<(), MigrateError> {
    for pair in migrations.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        if a.version >= b.version {
            let problem = if a.version == b.version {
                "share version"
            } else {
                "are out of order:"
            };
            return Err(MigrateError::InvalidMigrations {
                reason: format!(
                    "{} and {} {problem} {} / {}",
                    a.file, b.file, a.version, b.version
                ),
            });
        }
    }
    Ok(())
}

async fn connect(database_url: &str) -> Result<PgConnection, MigrateError> {
    let mut options = PgConnectOptions::from_str(database_url).map_err(|err| MigrateError::InvalidUrl {
        reason: err.to_string(),
    })?;
    if options.get_application_name().is_none() {
        options = options.application_name(APPLICATION_NAME);
    }
    let server = describe(&options);
    match tokio::time::timeout(CONNECT_TIMEOUT, options.connect()).await {
        Ok(Ok(conn)) => Ok(conn),
        Ok(Err(source)) => Err(MigrateError::Connect { server, source }),
        Err(_) => Err(MigrateError::ConnectTimeout {
            server,
            seconds: CONNECT_TIMEOUT.as_secs(),
        }),
    }
}

/// `user@host:port/database`: the server, for messages, without the password.
fn describe(options: &PgConnectOptions) -> String {
    format!(
        "{}@{}:{}/{}",
        options.get_username(),
        options.get_host(),
        options.get_port(),
        options.get_database().unwrap_or(options.get_username()),
    )
}

async fn execute(
    conn: &mut PgConnection,
    migrations: &[Migration],
    command: MigrateCommand,
) -> Result<MigrateReport, MigrateError> {
    let plan = Plan {
        migrator: migrator(migrations),
        migrations,
    };
    // Commands that change the schema take sqlx's advisory lock (the one its own Migrator and
    // CLI take) for their whole run: a second runner waits here, then finds the work done.
    // `status` only reads, so it neither waits for a running migration nor creates the table.
    let changes_schema = command != MigrateCommand::Status;
    if changes_schema {
        conn.lock().await.map_err(|err| plan.bookkeeping(err))?;
    }
    let report = match command {
        MigrateCommand::Status => status(conn, &plan).await?,
        MigrateCommand::Up => {
            let (applied, newer) = up(conn, &plan, None).await?;
            if newer.is_empty() {
                MigrateReport::Up { applied }
            } else {
                // An older build on a newer schema (rolling deploy, rollback): said, not refused.
                tracing::warn!(
                    newer = ?newer.iter().map(|m| m.version).collect::<Vec<_>>(),
                    "the database has migrations newer than this build applied; running on a newer schema"
                );
                MigrateReport::Ahead { newer }
            }
        }
        MigrateCommand::Down { steps } => MigrateReport::Down {
            reverted: down(conn, &plan, steps).await?,
        },
        MigrateCommand::Redo => {
            let reverted = down(conn, &plan, 1).await?.pop();
            let applied = match &reverted {
                Some(m) => up(conn, &plan, Some(m.version)).await?.0,
                None => Vec::new(),
            };
            MigrateReport::Redo { reverted, applied }
        }
    };
    if changes_schema {
        conn.unlock().await.map_err(|err| plan.bookkeeping(err))?;
    }
    Ok(report)
}

// The loops below drive sqlx's `Migrate` implementation for PostgreSQL directly (`apply` and
// `revert` each run one migration and its `_sqlx_migrations` bookkeeping in one transaction),
// rather than `Migrator::run`/`undo`. Those are generic over `Acquire<'a>`, which makes their
// futures fail rustc's "implementation of `Acquire` is not general enough" wherever a `Send`
// future is required (`tokio::spawn`, axum; sqlx issue #2016), and `undo` has no
// connection-taking variant. Driving the steps here also tells us exactly which migrations
// this runner applied or reverted.

/// The migrations with their sqlx counterparts (checksummed Up and Down sections).
struct Plan<'m> {
    migrator: Migrator,
    migrations: &'m [Migration],
}

impl Plan<'_> {
    /// sqlx's Up or Down half of `migration`.
    fn sqlx(
        &self,
        migration: &Migration,
        kind: MigrationType,
    ) -> Result<&sqlx::migrate::Migration, MigrateError> {
        self.migrator
            .iter()
            .find(|m| m.version == migration.version && m.migration_type == kind)
            .ok_or_else(|| MigrateError::InvalidMigrations {
                reason: format!("{} has no {kind:?} half", migration.file),
            })
    }

    fn bookkeeping(&self, err: sqlx::migrate::MigrateError) -> MigrateError {
        MigrateError::from_sqlx(err, self.migrations)
    }
}

/// Applies pending migrations in order (up to and including `target`, when given); returns
/// them, and the applied migrations newer than this build (then nothing was pending).
async fn up(
    conn: &mut PgConnection,
    plan: &Plan<'_>,
    target: Option<i64>,
) -> Result<(Vec<MigrationRef>, Vec<MigrationRef>), MigrateError> {
    let Applied { applied, newer } = applied(conn, plan).await?;
    let mut done = Vec::new();
    for migration in plan.migrations {
        if applied.contains_key(&migration.version) || target.is_some_and(|t| migration.version > t) {
            continue;
        }
        let elapsed = conn
            .apply(
                MIGRATIONS_TABLE,
                plan.sqlx(migration, MigrationType::ReversibleUp)?,
            )
            .await
            .map_err(|err| MigrateError::running(err, migration, Direction::Up))?;
        tracing::info!(
            migration = migration.file,
            elapsed_ms = elapsed.as_millis(),
            "applied migration"
        );
        done.push(reference(migration));
    }
    Ok((done, newer))
}

/// Reverts the newest `steps` applied migrations; returns them newest first.
async fn down(
    conn: &mut PgConnection,
    plan: &Plan<'_>,
    steps: u32,
) -> Result<Vec<MigrationRef>, MigrateError> {
    let Applied { applied, newer } = applied(conn, plan).await?;
    // Reverting from under newer migrations would leave them on a schema they do not expect.
    if let Some(first) = newer.first() {
        return Err(MigrateError::UnknownApplied {
            version: first.version,
        });
    }
    let newest_first = plan
        .migrations
        .iter()
        .rev()
        .filter(|m| applied.contains_key(&m.version));
    let mut done = Vec::new();
    for migration in newest_first.take(usize::try_from(steps).unwrap_or(usize::MAX)) {
        let elapsed = conn
            .revert(
                MIGRATIONS_TABLE,
                plan.sqlx(migration, MigrationType::ReversibleDown)?,
            )
            .await
            .map_err(|err| MigrateError::running(err, migration, Direction::Down))?;
        tracing::info!(
            migration = migration.file,
            elapsed_ms = elapsed.as_millis(),
            "reverted migration"
        );
        done.push(reference(migration));
    }
    Ok(done)
}

/// The applied migrations: those this build knows, by version, and those newer than it.
struct Applied {
    applied: HashMap<i64, AppliedMigration>,
    newer: Vec<MigrationRef>,
}

/// The applied migrations, after the checks sqlx's `Migrator` makes (none is half-applied,
/// each Up section is unchanged) and one for rolling deploys: applied migrations this build
/// does not know are accepted only when all are newer than every migration it knows and every
/// one it knows is applied (an older build on a newer schema); anything else is an error.
async fn applied(conn: &mut PgConnection, plan: &Plan<'_>) -> Result<Applied, MigrateError> {
    let bookkeeping = |err| plan.bookkeeping(err);
    conn.ensure_migrations_table(MIGRATIONS_TABLE)
        .await
        .map_err(bookkeeping)?;
    if let Some(version) = conn.dirty_version(MIGRATIONS_TABLE).await.map_err(bookkeeping)? {
        return Err(plan.bookkeeping(sqlx::migrate::MigrateError::Dirty(version)));
    }
    let applied = conn
        .list_applied_migrations(MIGRATIONS_TABLE)
        .await
        .map_err(bookkeeping)?;
    let newest_known = plan.migrations.last().map_or(i64::MIN, |m| m.version);
    let mut newer = Vec::new();
    for record in &applied {
        let Some(migration) = plan.migrations.iter().find(|m| m.version == record.version) else {
            if record.version <= newest_known {
                return Err(MigrateError::UnknownApplied {
                    version: record.version,
                });
            }
            newer.push(MigrationRef {
                version: record.version,
                file: record_description(conn, record.version).await?,
            });
            continue;
        };
        // Checked for `down` too: reverting with a Down written for different Up SQL could
        // drop the wrong things.
        if plan.sqlx(migration, MigrationType::ReversibleUp)?.checksum != record.checksum {
            return Err(MigrateError::Changed {
                file: migration.file.to_string(),
            });
        }
    }
    if let Some(first_newer) = newer.first()
        && let Some(missing) = plan
            .migrations
            .iter()
            .find(|m| !applied.iter().any(|a| a.version == m.version))
    {
        return Err(MigrateError::MissingBeforeNewer {
            file: missing.file.to_string(),
            newer: first_newer.version,
        });
    }
    Ok(Applied {
        applied: applied.into_iter().map(|m| (m.version, m)).collect(),
        newer,
    })
}

/// The description `_sqlx_migrations` records for `version` (the file name without version).
async fn record_description(conn: &mut PgConnection, version: i64) -> Result<String, MigrateError> {
    let description: Option<String> =
        sqlx::query_scalar("SELECT description FROM _sqlx_migrations WHERE version = $1")
            .bind(version)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(description.unwrap_or_else(|| format!("version {version}")))
}

/// Every migration's state, then any applied migration this build does not know.
async fn status(conn: &mut PgConnection, plan: &Plan<'_>) -> Result<MigrateReport, MigrateError> {
    let exists: bool = sqlx::query_scalar("SELECT to_regclass($1) IS NOT NULL")
        .bind(MIGRATIONS_TABLE)
        .fetch_one(&mut *conn)
        .await?;
    let records: Vec<(i64, String, Vec<u8>, DateTime<Utc>)> = if exists {
        sqlx::query_as(
            "SELECT version, description, checksum, installed_on FROM _sqlx_migrations ORDER BY version",
        )
        .fetch_all(&mut *conn)
        .await?
    } else {
        Vec::new()
    };
    let mut statuses = Vec::new();
    for migration in plan.migrations {
        let state = match records.iter().find(|r| r.0 == migration.version) {
            None => MigrationState::Pending,
            Some((_, _, checksum, installed_on)) => {
                let current = &plan.sqlx(migration, MigrationType::ReversibleUp)?.checksum;
                if **current == **checksum {
                    MigrationState::Applied {
                        installed_on: *installed_on,
                    }
                } else {
                    MigrationState::Changed {
                        installed_on: *installed_on,
                    }
                }
            }
        };
        statuses.push(MigrationStatus {
            version: migration.version,
            file: migration.file.to_string(),
            state,
        });
    }
    for (version, description, _, _) in records {
        if !plan.migrations.iter().any(|m| m.version == version) {
            statuses.push(MigrationStatus {
                version,
                file: description,
                state: MigrationState::Unknown,
            });
        }
    }
    Ok(MigrateReport::Status { migrations: statuses })
}

fn reference(m: &Migration) -> MigrationRef {
    MigrationRef {
        version: m.version,
        file: m.file.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn migration(version: i64, file: &'static str) -> Migration {
        Migration {
            version,
            name: "m",
            file,
            up_sql: "SELECT 1;",
            down_sql: "SELECT 2;",
            up_line: 2,
            down_line: 4,
        }
    }

    #[test]
    fn builds_a_reversible_pair_per_migration() {
        let migrator = migrator(&[migration(1, "001_a.sql"), migration(2, "002_b.sql")]);
        let kinds: Vec<_> = migrator.iter().map(|m| (m.version, m.migration_type)).collect();
        assert_eq!(
            kinds,
            [
                (1, MigrationType::ReversibleUp),
                (1, MigrationType::ReversibleDown),
                (2, MigrationType::ReversibleUp),
                (2, MigrationType::ReversibleDown),
            ]
        );
        assert!(
            migrator.iter().all(|m| !m.no_tx),
            "each migration runs in a transaction"
        );
    }

    #[test]
    fn rejects_duplicate_and_unordered_versions() {
        let err = check_order(&[migration(1, "001_a.sql"), migration(1, "001_b.sql")]).unwrap_err();
        assert!(
            err.to_string().contains("001_a.sql and 001_b.sql share version"),
            "{err}"
        );
        assert!(check_order(&[migration(2, "002_a.sql"), migration(1, "001_b.sql")]).is_err());
        assert!(check_order(&[migration(1, "001_a.sql"), migration(3, "003_b.sql")]).is_ok());
    }

    #[test]
    fn describes_the_server_without_the_password() {
        let options = PgConnectOptions::from_str("postgres://app:hunter2@db.internal:6543/stagely").unwrap();
        assert_eq!(describe(&options), "app@db.internal:6543/stagely");
    }

    #[test]
    fn every_built_in_migration_is_reversible_and_in_order() {
        assert!(check_order(MIGRATIONS).is_ok());
        for m in MIGRATIONS {
            assert!(
                !m.down_sql.trim().is_empty(),
                "{} has an empty Down section",
                m.file
            );
        }
    }
}
