//! What a migration command did or found, printable for people.

use std::fmt;

use sqlx::types::chrono::{DateTime, Utc};

/// One migration, by version and file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationRef {
    /// The migration's version.
    pub version: i64,
    /// Its file (`006_create_environments.sql`).
    pub file: String,
}

impl fmt::Display for MigrationRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)
    }
}

/// Where one migration stands in the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MigrationState {
    /// Not applied yet; `up` will apply it.
    Pending,
    /// Applied, with the same SQL as now.
    Applied {
        /// When it was applied.
        installed_on: DateTime<Utc>,
    },
    /// Applied, but its Up SQL has changed since: `up` and `down` refuse to run until the file
    /// is restored.
    Changed {
        /// When it was applied.
        installed_on: DateTime<Utc>,
    },
    /// Applied to the database but not part of this build (applied by a newer release).
    Unknown,
}

/// One line of `migrate status`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationStatus {
    /// The migration's version.
    pub version: i64,
    /// Its file, or for an [`MigrationState::Unknown`] migration the description recorded in
    /// the database.
    pub file: String,
    /// Where it stands.
    pub state: MigrationState,
}

/// What a migration command did (`up`, `down`, `redo`) or found (`status`).
///
/// `Display` gives the text `stagely-core migrate` prints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MigrateReport {
    /// `up`: the migrations applied, in order; empty when the database was already up to date.
    Up {
        /// Applied by this run.
        applied: Vec<MigrationRef>,
    },
    /// `down`: the migrations reverted, newest first; empty when none was applied.
    Down {
        /// Reverted by this run.
        reverted: Vec<MigrationRef>,
    },
    /// `redo`: the newest migration reverted and applied again.
    Redo {
        /// The migration reverted; `None` when no migration was applied.
        reverted: Option<MigrationRef>,
        /// The migrations applied afterwards: the reverted one (after any pending older ones).
        applied: Vec<MigrationRef>,
    },
    /// `up` on a database ahead of this build: every migration this build knows is applied,
    /// unchanged, and newer ones are too (an older release during a rolling deploy or after a
    /// rollback); nothing was applied.
    Ahead {
        /// The applied migrations newer than this build, by version and recorded description.
        newer: Vec<MigrationRef>,
    },
    /// `status`: every known migration in order, then any the database has but this build
    /// does not know.
    Status {
        /// One entry per migration.
        migrations: Vec<MigrationStatus>,
    },
}

impl fmt::Display for MigrateReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Up { applied } if applied.is_empty() => {
                f.write_str("Database is up to date: no pending migrations.")
            }
            Self::Up { applied } => list(f, "Applied", applied),
            Self::Down { reverted } if reverted.is_empty() => {
                f.write_str("Nothing to revert: no migration is applied.")
            }
            Self::Down { reverted } => list(f, "Reverted", reverted),
            Self::Redo { reverted: None, .. } => f.write_str("Nothing to redo: no migration is applied."),
            Self::Redo {
                reverted: Some(reverted),
                applied,
            } => {
                write!(f, "Reverted {reverted}")?;
                if applied.is_empty() {
                    return Ok(());
                }
                f.write_str(", then ")?;
                list(f, "applied", applied)
            }
            Self::Ahead { newer } => {
                let versions: Vec<String> = newer.iter().map(|m| m.version.to_string()).collect();
                write!(
                    f,
                    "Database is up to date and ahead of this build: {} newer migration{} applied \
                     (version {}), unknown to this build; running on the newer schema.",
                    newer.len(),
                    if newer.len() == 1 { " is" } else { "s are" },
                    versions.join(", ")
                )
            }
            Self::Status { migrations } => status(f, migrations),
        }
    }
}

fn list(f: &mut fmt::Formatter<'_>, verb: &str, migrations: &[MigrationRef]) -> fmt::Result {
    let noun = if migrations.len() == 1 {
        "migration"
    } else {
        "migrations"
    };
    write!(f, "{verb} {} {noun}:", migrations.len())?;
    for m in migrations {
        write!(f, "\n  {m}")?;
    }
    Ok(())
}

fn status(f: &mut fmt::Formatter<'_>, migrations: &[MigrationStatus]) -> fmt::Result {
    let count = |wanted: fn(&MigrationState) -> bool| migrations.iter().filter(|m| wanted(&m.state)).count();
    let applied = count(|s| matches!(s, MigrationState::Applied { .. }));
    let pending = count(|s| matches!(s, MigrationState::Pending));
    let changed = count(|s| matches!(s, MigrationState::Changed { .. }));
    let unknown = count(|s| matches!(s, MigrationState::Unknown));
    write!(f, "{applied} applied, {pending} pending")?;
    if changed > 0 {
        write!(f, ", {changed} changed since applied")?;
    }
    if unknown > 0 {
        write!(f, ", {unknown} unknown to this build")?;
    }
    let width = migrations.iter().map(|m| m.file.len()).max().unwrap_or(0);
    for m in migrations {
        let file = &m.file;
        match &m.state {
            MigrationState::Pending => write!(f, "\n  pending  {file}")?,
            MigrationState::Applied { installed_on } => {
                write!(f, "\n  applied  {file:width$}  {}", when(installed_on))?;
            }
            MigrationState::Changed { installed_on } => write!(
                f,
                "\n  CHANGED  {file:width$}  applied {}, but its SQL has changed since",
                when(installed_on)
            )?,
            MigrationState::Unknown => write!(
                f,
                "\n  UNKNOWN  {file:width$}  version {} is applied but not part of this build",
                m.version
            )?,
        }
    }
    Ok(())
}

fn when(at: &DateTime<Utc>) -> impl fmt::Display {
    at.format("%Y-%m-%d %H:%M:%S UTC")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(version: i64, file: &str) -> MigrationRef {
        MigrationRef {
            version,
            file: file.into(),
        }
    }

    #[test]
    fn lists_what_up_and_down_did() {
        let up = MigrateReport::Up {
            applied: vec![r(1, "001_a.sql"), r(2, "002_b.sql")],
        };
        assert_eq!(up.to_string(), "Applied 2 migrations:\n  001_a.sql\n  002_b.sql");
        let down = MigrateReport::Down {
            reverted: vec![r(2, "002_b.sql")],
        };
        assert_eq!(down.to_string(), "Reverted 1 migration:\n  002_b.sql");
        assert_eq!(
            MigrateReport::Up { applied: vec![] }.to_string(),
            "Database is up to date: no pending migrations."
        );
        let redo = MigrateReport::Redo {
            reverted: Some(r(2, "002_b.sql")),
            applied: vec![r(2, "002_b.sql")],
        };
        assert_eq!(
            redo.to_string(),
            "Reverted 002_b.sql, then applied 1 migration:\n  002_b.sql"
        );
    }

    #[test]
    fn shows_each_migration_state() {
        let at = DateTime::from_timestamp(1_700_000_000, 0).unwrap();
        let report = MigrateReport::Status {
            migrations: vec![
                MigrationStatus {
                    version: 1,
                    file: "001_a.sql".into(),
                    state: MigrationState::Applied { installed_on: at },
                },
                MigrationStatus {
                    version: 2,
                    file: "002_bb.sql".into(),
                    state: MigrationState::Changed { installed_on: at },
                },
                MigrationStatus {
                    version: 3,
                    file: "003_c.sql".into(),
                    state: MigrationState::Pending,
                },
            ],
        };
        assert_eq!(
            report.to_string(),
            "1 applied, 1 pending, 1 changed since applied\n  \
             applied  001_a.sql   2023-11-14 22:13:20 UTC\n  \
             CHANGED  002_bb.sql  applied 2023-11-14 22:13:20 UTC, but its SQL has changed since\n  \
             pending  003_c.sql"
        );
    }
}
