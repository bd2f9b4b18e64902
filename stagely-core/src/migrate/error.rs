//! What can go wrong while migrating, and turning PostgreSQL's error positions into file lines.

use std::fmt;

use sqlx::postgres::{PgDatabaseError, PgErrorPosition};

use super::Migration;

/// Which way a migration was being run when it failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Applying its Up section.
    Up,
    /// Reverting it with its Down section.
    Down,
}

/// Why a migration command failed.
///
/// Messages say what to do next; none contains the database password (the server is named
/// as `user@host:port/database`).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MigrateError {
    /// The database URL could not be parsed.
    #[error(
        "DATABASE_URL is not a valid PostgreSQL URL ({reason}); expected postgres://user:password@host:port/database"
    )]
    InvalidUrl {
        /// What the parser objected to (never the URL itself).
        reason: String,
    },
    /// The database server could not be reached, or refused the connection.
    #[error(
        "cannot connect to {server} to run migrations: {}; check DATABASE_URL and that PostgreSQL is running",
        crate::db::explain(.source)
    )]
    Connect {
        /// The server, without the password.
        server: String,
        /// What the network or PostgreSQL said.
        #[source]
        source: sqlx::Error,
    },
    /// The server did not answer the connection attempt in time.
    #[error(
        "connecting to {server} to run migrations timed out after {seconds} s; check DATABASE_URL and that PostgreSQL is reachable"
    )]
    ConnectTimeout {
        /// The server, without the password.
        server: String,
        /// How long we waited.
        seconds: u64,
    },
    /// A migration's SQL failed; its transaction was rolled back, so none of it took effect.
    #[error("{}", failure_message(file, *direction, *line, message))]
    Failed {
        /// The migration's file (`006_create_environments.sql`).
        file: String,
        /// Whether it was being applied or reverted.
        direction: Direction,
        /// The line of `file` PostgreSQL pointed at, when it gave a position.
        line: Option<u32>,
        /// PostgreSQL's report: `ERROR: <message>`, then any DETAIL and HINT lines.
        message: String,
    },
    /// An applied migration's Up SQL differs from what was applied (its checksum changed).
    #[error(
        "Migration {file} was applied to this database, but its SQL has changed since; restore the file as it was and put the change in a new migration"
    )]
    Changed {
        /// The migration's file.
        file: String,
    },
    /// The database has a migration applied that this build does not know about.
    #[error(
        "the database has migration version {version} applied, which this build of stagely-core does not know; run the stagely-core release that applied it (or a newer one)"
    )]
    UnknownApplied {
        /// The version recorded in `_sqlx_migrations`.
        version: i64,
    },
    /// The database has migrations newer than this build, but one this build knows is not
    /// applied: the history differs from this build's, not merely runs ahead of it.
    #[error(
        "Migration {file} is not applied, but the database has newer migrations this build does not know (from version {newer}); the database's history differs from this build's: run the release that matches it"
    )]
    MissingBeforeNewer {
        /// The migration this build knows that is not applied.
        file: String,
        /// The oldest applied version this build does not know.
        newer: i64,
    },
    /// `_sqlx_migrations` marks a migration as only partly applied.
    #[error(
        "Migration {file} is marked as partly applied (success = false in _sqlx_migrations); check the schema by hand, then delete that row"
    )]
    Dirty {
        /// The migration's file, or its version when it is not known.
        file: String,
    },
    /// The migration list itself is unusable (a bug in the generated list, not in the database).
    #[error("invalid migration list: {reason}; regenerate it with `make codegen`")]
    InvalidMigrations {
        /// What is wrong with it.
        reason: String,
    },
    /// `down --steps 0` asks for nothing.
    #[error("--steps must be at least 1")]
    ZeroSteps,
    /// Any other database failure while reading or writing the migration bookkeeping.
    #[error(
        "migration bookkeeping failed: {}; check that the database user may create tables and take advisory locks",
        crate::db::explain(.source)
    )]
    Database {
        /// What PostgreSQL or the network said.
        #[source]
        source: sqlx::Error,
    },
}

fn failure_message(file: &str, direction: Direction, line: Option<u32>, message: &str) -> String {
    let action = match direction {
        Direction::Up => "",
        Direction::Down => " while reverting",
    };
    let place = line.map(|line| format!(" at line {line}")).unwrap_or_default();
    format!(
        "Migration {file} failed{place}{action}: {message}\nIts transaction was rolled back: fix the SQL and run the command again."
    )
}

impl From<sqlx::Error> for MigrateError {
    fn from(source: sqlx::Error) -> Self {
        Self::Database { source }
    }
}

impl MigrateError {
    /// Translates sqlx's error from applying or reverting `migration`.
    pub(crate) fn running(
        err: sqlx::migrate::MigrateError,
        migration: &Migration,
        direction: Direction,
    ) -> Self {
        use sqlx::migrate::MigrateError as Sqlx;
        match err {
            // The migration's own SQL failed: PostgreSQL's position points into it.
            Sqlx::ExecuteMigration(source, _) => Self::failed(migration, direction, &source, true),
            // BEGIN, COMMIT (deferred constraints) or the bookkeeping row failed: a position,
            // if any, would not be in the migration's SQL.
            Sqlx::Execute(source) => Self::failed(migration, direction, &source, false),
            other => Self::from_sqlx(other, std::slice::from_ref(migration)),
        }
    }

    /// Translates one of sqlx's bookkeeping errors, naming migrations by file.
    pub(crate) fn from_sqlx(err: sqlx::migrate::MigrateError, migrations: &[Migration]) -> Self {
        use sqlx::migrate::MigrateError as Sqlx;
        let file_of = |version: i64| {
            migrations
                .iter()
                .find(|m| m.version == version)
                .map_or_else(|| format!("version {version}"), |m| m.file.to_string())
        };
        match err {
            Sqlx::VersionMismatch(version) => Self::Changed {
                file: file_of(version),
            },
            Sqlx::VersionMissing(version) => Self::UnknownApplied { version },
            Sqlx::Dirty(version) => Self::Dirty {
                file: file_of(version),
            },
            Sqlx::Execute(source) => Self::Database { source },
            other => Self::Database {
                source: sqlx::Error::Migrate(Box::new(other)),
            },
        }
    }

    /// The error for `migration` failing with `source`, located in its file.
    fn failed(
        migration: &Migration,
        direction: Direction,
        source: &sqlx::Error,
        in_migration_sql: bool,
    ) -> Self {
        let (sql, first_line) = match direction {
            Direction::Up => (migration.up_sql, migration.up_line),
            Direction::Down => (migration.down_sql, migration.down_line),
        };
        let database_error = source
            .as_database_error()
            .and_then(|e| e.try_downcast_ref::<PgDatabaseError>());
        let (line, message) = match database_error {
            Some(pg) => {
                let line = match pg.position() {
                    Some(PgErrorPosition::Original(position)) if in_migration_sql => {
                        Some(line_of(sql, position, first_line))
                    }
                    // A position inside SQL that PostgreSQL generated itself (a function body
                    // it could not map back): no line of the file corresponds to it.
                    _ => None,
                };
                (line, postgres_report(pg))
            }
            None => (None, source.to_string()),
        };
        Self::Failed {
            file: migration.file.to_string(),
            direction,
            line,
            message,
        }
    }
}

/// `ERROR: message`, then DETAIL and HINT lines when PostgreSQL sent them, as psql shows it.
fn postgres_report(pg: &PgDatabaseError) -> String {
    let mut report = format!("{}: {}", Severity(pg), pg.message());
    if let Some(detail) = pg.detail() {
        report.push_str("\nDETAIL: ");
        report.push_str(detail);
    }
    if let Some(hint) = pg.hint() {
        report.push_str("\nHINT: ");
        report.push_str(hint);
    }
    report
}

/// The severity word PostgreSQL uses (`ERROR`, `FATAL`, ...).
struct Severity<'a>(&'a PgDatabaseError);

impl fmt::Display for Severity<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use sqlx::postgres::PgSeverity as S;
        f.write_str(match self.0.severity() {
            S::Panic => "PANIC",
            S::Fatal => "FATAL",
            S::Error => "ERROR",
            S::Warning => "WARNING",
            S::Notice => "NOTICE",
            S::Debug => "DEBUG",
            S::Info => "INFO",
            S::Log => "LOG",
        })
    }
}

/// The file line holding character `position` of `sql`, which starts on line `first_line`.
///
/// PostgreSQL counts positions in characters, not bytes, from 1, within the whole text sent;
/// the migration is sent exactly as written, so counting newlines before it gives the line.
pub(crate) fn line_of(sql: &str, position: usize, first_line: u32) -> u32 {
    let newlines = sql
        .chars()
        .take(position.saturating_sub(1))
        .filter(|&c| c == '\n')
        .count();
    first_line.saturating_add(u32::try_from(newlines).unwrap_or(u32::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_lines_from_the_first_line_of_the_section() {
        let sql = "CREATE TABLE a (\n  id int\n);\nSELECT nope;\n";
        assert_eq!(line_of(sql, 1, 2), 2);
        assert_eq!(
            line_of(sql, 17, 2),
            2,
            "the newline ending line 2 is still on line 2"
        );
        assert_eq!(line_of(sql, 18, 2), 3);
        assert_eq!(line_of(sql, sql.find("nope").unwrap() + 1, 2), 5);
    }

    #[test]
    fn counts_characters_not_bytes() {
        // 'é' and '☕' take 2 and 3 bytes but count as one character each: position 7 is the
        // 'X' two lines down (as a byte offset it would still be on the first line).
        let sql = "é☕\n--\nX";
        assert_eq!(line_of(sql, 7, 10), 12);
        assert_eq!(line_of(sql, 4, 10), 11);
    }

    #[test]
    fn clamps_positions_past_the_end() {
        assert_eq!(line_of("a\nb", 0, 1), 1);
        assert_eq!(line_of("a\nb", 1_000, 1), 2);
    }

    #[test]
    fn names_the_file_line_and_direction() {
        let up = failure_message("006_x.sql", Direction::Up, Some(42), "ERROR: boom");
        assert!(
            up.starts_with("Migration 006_x.sql failed at line 42: ERROR: boom\n"),
            "{up}"
        );
        let down = failure_message("006_x.sql", Direction::Down, Some(80), "ERROR: boom");
        assert!(
            down.starts_with("Migration 006_x.sql failed at line 80 while reverting: ERROR: boom"),
            "{down}"
        );
        let unplaced = failure_message("006_x.sql", Direction::Up, None, "connection reset");
        assert!(
            unplaced.starts_with("Migration 006_x.sql failed: connection reset"),
            "{unplaced}"
        );
    }
}
