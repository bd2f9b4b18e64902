//! The migration runner against a real PostgreSQL: the built-in schema up, down and redo;
//! failures rolled back and located by file and line; changed migrations refused; concurrent
//! runners; and the advisory lock released after a failure.

use stagely_core::migrate::{
    self, Direction, MIGRATIONS, MigrateCommand, MigrateError, MigrateReport, Migration, MigrationRef,
    MigrationState, MigrationStatus,
};
use stagely_testdb::TestDatabase;

// ---- fixtures -------------------------------------------------------------------------------

/// A migration as the generator would embed it, cut from the text of a whole file.
fn from_file(version: i64, name: &'static str, file: &'static str, text: &'static str) -> Migration {
    const UP: &str = "-- +migrate Up\n";
    const DOWN: &str = "-- +migrate Down\n";
    let up_start = text.find(UP).expect("fixture has an Up marker") + UP.len();
    let down_marker = text.find(DOWN).expect("fixture has a Down marker");
    let line_at = |offset: usize| 1 + text[..offset].matches('\n').count() as u32;
    Migration {
        version,
        name,
        file,
        up_sql: &text[up_start..down_marker],
        down_sql: &text[down_marker + DOWN.len()..],
        up_line: line_at(up_start),
        down_line: line_at(down_marker + DOWN.len()),
    }
}

const CREATE_OWNERS: &str = "\
-- +migrate Up
CREATE TABLE owners (id int PRIMARY KEY);

-- +migrate Down
DROP TABLE owners;
";

/// Fails on line 10, in its third statement, after two that succeed. Lines 4 and 6 put
/// multi-byte characters before the error: PostgreSQL's position counts characters, and
/// reading it as a byte offset would land on an earlier line.
const CREATE_WIDGETS_BROKEN: &str = "\
-- +migrate Up
CREATE TABLE widgets (
    id int PRIMARY KEY,
    label text NOT NULL DEFAULT 'crème brûlée ☕☕☕☕☕☕☕☕☕☕☕☕☕☕☕☕☕☕☕☕☕☕☕☕☕'
);
COMMENT ON TABLE widgets IS 'Größe ☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃';
CREATE TABLE gadgets (
    id int PRIMARY KEY,
    widget_id int REFERENCES widgets (id),
    size no_such_type
);

-- +migrate Down
DROP TABLE IF EXISTS gadgets;
DROP TABLE IF EXISTS widgets;
";

/// The same migration, fixed.
const CREATE_WIDGETS: &str = "\
-- +migrate Up
CREATE TABLE widgets (
    id int PRIMARY KEY,
    label text NOT NULL DEFAULT 'crème brûlée ☕☕☕☕☕☕☕☕☕☕☕☕☕☕☕☕☕☕☕☕☕☕☕☕☕'
);
COMMENT ON TABLE widgets IS 'Größe ☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃';
CREATE TABLE gadgets (
    id int PRIMARY KEY,
    widget_id int REFERENCES widgets (id),
    size int
);

-- +migrate Down
DROP TABLE IF EXISTS gadgets;
DROP TABLE IF EXISTS widgets;
";

/// Applies fine; its Down section drops the table, then fails on line 7 (after line 6's
/// multi-byte characters).
const CREATE_THINGS_BAD_DOWN: &str = "\
-- +migrate Up
CREATE TABLE things (id int);

-- +migrate Down
DROP TABLE things;
-- ½ ☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃
SELECT 'ü' FROM no_such_table;
";

fn owners() -> Migration {
    from_file(1, "create_owners", "001_create_owners.sql", CREATE_OWNERS)
}

fn widgets_broken() -> Migration {
    from_file(
        2,
        "create_widgets",
        "002_create_widgets.sql",
        CREATE_WIDGETS_BROKEN,
    )
}

fn widgets() -> Migration {
    from_file(2, "create_widgets", "002_create_widgets.sql", CREATE_WIDGETS)
}

fn things_bad_down() -> Migration {
    from_file(
        3,
        "create_things",
        "003_create_things.sql",
        CREATE_THINGS_BAD_DOWN,
    )
}

// ---- helpers --------------------------------------------------------------------------------

async fn exists(db: &TestDatabase, relation: &str) -> bool {
    sqlx::query_scalar("SELECT to_regclass($1) IS NOT NULL")
        .bind(relation)
        .fetch_one(db.pool())
        .await
        .unwrap()
}

async fn applied_versions(db: &TestDatabase) -> Vec<i64> {
    sqlx::query_scalar("SELECT version FROM _sqlx_migrations ORDER BY version")
        .fetch_all(db.pool())
        .await
        .unwrap()
}

fn files(migrations: &[Migration]) -> Vec<MigrationRef> {
    migrations
        .iter()
        .map(|m| MigrationRef {
            version: m.version,
            file: m.file.to_string(),
        })
        .collect()
}

fn states(report: &MigrateReport) -> Vec<(String, &'static str)> {
    let MigrateReport::Status { migrations } = report else {
        panic!("not a status report: {report:?}");
    };
    migrations
        .iter()
        .map(|MigrationStatus { file, state, .. }| {
            let state = match state {
                MigrationState::Pending => "pending",
                MigrationState::Applied { .. } => "applied",
                MigrationState::Changed { .. } => "changed",
                MigrationState::Unknown => "unknown",
            };
            (file.clone(), state)
        })
        .collect()
}

// ---- the built-in schema --------------------------------------------------------------------

#[tokio::test]
async fn up_applies_all_fourteen_migrations_and_status_shows_them_applied() {
    let db = TestDatabase::new().await;
    assert_eq!(MIGRATIONS.len(), 14, "the schema has 14 migrations");

    let status = migrate::run(db.url(), MigrateCommand::Status).await.unwrap();
    assert!(states(&status).iter().all(|(_, s)| *s == "pending"), "{status}");
    assert!(
        !exists(&db, "_sqlx_migrations").await,
        "status must not create anything"
    );

    let report = migrate::run(db.url(), MigrateCommand::Up).await.unwrap();
    assert_eq!(
        report,
        MigrateReport::Up {
            applied: files(MIGRATIONS)
        }
    );
    assert!(
        report
            .to_string()
            .starts_with("Applied 14 migrations:\n  001_create_teams.sql\n"),
        "{report}"
    );
    assert_eq!(applied_versions(&db).await, (1..=14).collect::<Vec<i64>>());
    assert!(exists(&db, "environments").await);
    assert!(exists(&db, "active_environments").await);

    let status = migrate::run(db.url(), MigrateCommand::Status).await.unwrap();
    let expected: Vec<_> = MIGRATIONS
        .iter()
        .map(|m| (m.file.to_string(), "applied"))
        .collect();
    assert_eq!(states(&status), expected);
    assert!(
        status.to_string().starts_with("14 applied, 0 pending\n"),
        "{status}"
    );

    let again = migrate::run(db.url(), MigrateCommand::Up).await.unwrap();
    assert_eq!(again, MigrateReport::Up { applied: vec![] });
}

#[tokio::test]
async fn down_two_steps_then_up_again() {
    let db = TestDatabase::new().await;
    migrate::run(db.url(), MigrateCommand::Up).await.unwrap();

    let report = migrate::run(db.url(), MigrateCommand::Down { steps: 2 })
        .await
        .unwrap();
    let mut newest_two = files(&MIGRATIONS[12..]);
    newest_two.reverse();
    assert_eq!(report, MigrateReport::Down { reverted: newest_two });
    assert_eq!(applied_versions(&db).await, (1..=12).collect::<Vec<i64>>());
    assert!(!exists(&db, "active_environments").await, "014's view is gone");
    assert!(exists(&db, "agent_connections").await, "012 is still applied");

    let status = migrate::run(db.url(), MigrateCommand::Status).await.unwrap();
    let pending: Vec<_> = states(&status)
        .into_iter()
        .filter(|(_, s)| *s == "pending")
        .collect();
    assert_eq!(
        pending,
        [
            ("013_create_indexes.sql".to_string(), "pending"),
            ("014_create_functions.sql".to_string(), "pending"),
        ]
    );

    let report = migrate::run(db.url(), MigrateCommand::Up).await.unwrap();
    assert_eq!(
        report,
        MigrateReport::Up {
            applied: files(&MIGRATIONS[12..])
        }
    );
    assert_eq!(applied_versions(&db).await, (1..=14).collect::<Vec<i64>>());
    assert!(exists(&db, "active_environments").await);
}

#[tokio::test]
async fn down_reverts_everything_when_asked_for_more_steps_than_applied() {
    let db = TestDatabase::new().await;
    migrate::run(db.url(), MigrateCommand::Up).await.unwrap();

    let report = migrate::run(db.url(), MigrateCommand::Down { steps: 100 })
        .await
        .unwrap();
    let MigrateReport::Down { reverted } = &report else {
        panic!("{report:?}")
    };
    assert_eq!(reverted.len(), 14);
    assert_eq!(reverted[0].file, "014_create_functions.sql");
    assert_eq!(reverted[13].file, "001_create_teams.sql");
    assert!(applied_versions(&db).await.is_empty());
    assert!(!exists(&db, "teams").await);

    let nothing = migrate::run(db.url(), MigrateCommand::Down { steps: 1 })
        .await
        .unwrap();
    assert_eq!(nothing, MigrateReport::Down { reverted: vec![] });
    assert_eq!(nothing.to_string(), "Nothing to revert: no migration is applied.");
}

#[tokio::test]
async fn redo_reverts_the_newest_migration_and_applies_it_again() {
    let db = TestDatabase::new().await;
    migrate::run(db.url(), MigrateCommand::Up).await.unwrap();

    let report = migrate::run(db.url(), MigrateCommand::Redo).await.unwrap();
    let newest = files(&MIGRATIONS[13..]);
    assert_eq!(
        report,
        MigrateReport::Redo {
            reverted: Some(newest[0].clone()),
            applied: newest,
        }
    );
    assert_eq!(applied_versions(&db).await, (1..=14).collect::<Vec<i64>>());
    assert!(exists(&db, "stale_environments").await);
}

#[tokio::test]
async fn two_runners_started_at_once_apply_each_migration_exactly_once() {
    let db = TestDatabase::new().await;
    let runners: Vec<_> = (0..2)
        .map(|_| {
            let url = db.url().to_string();
            tokio::spawn(async move { migrate::run(&url, MigrateCommand::Up).await })
        })
        .collect();
    let mut applied = Vec::new();
    for runner in runners {
        match runner.await.unwrap() {
            Ok(MigrateReport::Up {
                applied: by_this_runner,
            }) => applied.extend(by_this_runner),
            other => panic!("a runner failed: {other:?}"),
        }
    }
    applied.sort_by_key(|m| m.version);
    assert_eq!(
        applied,
        files(MIGRATIONS),
        "each migration applied by exactly one runner"
    );

    let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM _sqlx_migrations")
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(rows, 14);
}

// ---- failures -------------------------------------------------------------------------------

#[tokio::test]
async fn a_failing_migration_leaves_no_partial_schema_and_names_its_file_and_line() {
    let db = TestDatabase::new().await;
    let err = migrate::run_with(db.url(), &[owners(), widgets_broken()], MigrateCommand::Up)
        .await
        .unwrap_err();

    match &err {
        MigrateError::Failed {
            file,
            direction,
            line,
            message,
        } => {
            assert_eq!(file, "002_create_widgets.sql");
            assert_eq!(*direction, Direction::Up);
            assert_eq!(*line, Some(10), "the line of `size no_such_type`");
            assert_eq!(message, "ERROR: type \"no_such_type\" does not exist");
        }
        other => panic!("expected a located failure, got {other:?}"),
    }
    assert!(
        err.to_string().starts_with(
            "Migration 002_create_widgets.sql failed at line 10: ERROR: type \"no_such_type\" does not exist"
        ),
        "{err}"
    );

    // The first migration committed; every statement of the failed one was rolled back.
    assert_eq!(applied_versions(&db).await, [1]);
    assert!(exists(&db, "owners").await);
    assert!(
        !exists(&db, "widgets").await,
        "the failed migration's first statement was rolled back"
    );
    assert!(!exists(&db, "gadgets").await);
}

#[tokio::test]
async fn a_syntax_error_is_located_too() {
    const TYPO: &str = "\
-- +migrate Up
-- naïve ☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃☃
CREATE TABLE a (id int);
CREAT TABLE b (id int);

-- +migrate Down
DROP TABLE a;
";
    let db = TestDatabase::new().await;
    let broken = from_file(1, "typo", "001_typo.sql", TYPO);
    let err = migrate::run_with(db.url(), &[broken], MigrateCommand::Up)
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("Migration 001_typo.sql failed at line 4: ERROR: syntax error at or near \"CREAT\""),
        "{err}"
    );
    assert!(!exists(&db, "a").await);
}

#[tokio::test]
async fn a_failing_down_section_is_located_in_the_file_and_rolled_back() {
    let db = TestDatabase::new().await;
    let migrations = [owners(), things_bad_down()];
    migrate::run_with(db.url(), &migrations, MigrateCommand::Up)
        .await
        .unwrap();

    let err = migrate::run_with(db.url(), &migrations, MigrateCommand::Down { steps: 1 })
        .await
        .unwrap_err();
    assert!(
        matches!(
            &err,
            MigrateError::Failed {
                direction: Direction::Down,
                line: Some(7),
                ..
            }
        ),
        "{err:?}"
    );
    assert!(
        err.to_string().starts_with(
            "Migration 003_create_things.sql failed at line 7 while reverting: ERROR: relation \"no_such_table\" does not exist"
        ),
        "{err}"
    );
    assert!(
        exists(&db, "things").await,
        "the Down section's DROP was rolled back"
    );
    assert_eq!(applied_versions(&db).await, [1, 3]);
}

#[tokio::test]
async fn a_failure_releases_the_lock_so_the_next_run_proceeds() {
    let db = TestDatabase::new().await;
    migrate::run_with(db.url(), &[owners(), widgets_broken()], MigrateCommand::Up)
        .await
        .unwrap_err();

    // sqlx keeps its advisory lock after a failed migration; had the connection stayed open,
    // this run would wait for the lock forever. The bound only turns such a hang into a
    // failure; it is far above the time the run takes.
    let migrations = [owners(), widgets()];
    let next = migrate::run_with(db.url(), &migrations, MigrateCommand::Up);
    let report = tokio::time::timeout(std::time::Duration::from_secs(60), next)
        .await
        .expect("the second run waited on a lock the failed run left held")
        .unwrap();
    assert_eq!(
        report,
        MigrateReport::Up {
            applied: files(&[widgets()])
        }
    );
    assert!(exists(&db, "gadgets").await);

    let lingering: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'stagely-core migrate' AND state <> 'idle'",
    )
    .fetch_one(db.pool())
    .await
    .unwrap();
    assert_eq!(lingering, 0, "no migration session is still working");
}

#[tokio::test]
async fn an_applied_migration_whose_sql_changed_is_refused_by_name() {
    const CREATE_OWNERS_EDITED: &str = "\
-- +migrate Up
CREATE TABLE owners (id int PRIMARY KEY, name text);

-- +migrate Down
DROP TABLE owners;
";
    let db = TestDatabase::new().await;
    migrate::run_with(db.url(), &[owners()], MigrateCommand::Up)
        .await
        .unwrap();
    let edited = from_file(1, "create_owners", "001_create_owners.sql", CREATE_OWNERS_EDITED);
    let edited_set = [edited, widgets()];

    for command in [
        MigrateCommand::Up,
        MigrateCommand::Down { steps: 1 },
        MigrateCommand::Redo,
    ] {
        let err = migrate::run_with(db.url(), &edited_set, command)
            .await
            .unwrap_err();
        assert!(
            matches!(&err, MigrateError::Changed { file } if file == "001_create_owners.sql"),
            "{command:?}: {err:?}"
        );
        assert!(
            err.to_string().starts_with(
                "Migration 001_create_owners.sql was applied to this database, but its SQL has changed since"
            ),
            "{err}"
        );
    }
    assert_eq!(applied_versions(&db).await, [1], "nothing ran");
    assert!(!exists(&db, "widgets").await);

    let status = migrate::run_with(db.url(), &edited_set, MigrateCommand::Status)
        .await
        .unwrap();
    assert_eq!(
        states(&status),
        [
            ("001_create_owners.sql".to_string(), "changed"),
            ("002_create_widgets.sql".to_string(), "pending"),
        ]
    );
}

#[tokio::test]
async fn a_database_ahead_of_this_build_is_shown_by_status() {
    // What `up` and `down` make of it: tests/rolling_deploy.rs.
    let db = TestDatabase::new().await;
    migrate::run_with(db.url(), &[owners(), widgets()], MigrateCommand::Up)
        .await
        .unwrap();

    let status = migrate::run_with(db.url(), &[owners()], MigrateCommand::Status)
        .await
        .unwrap();
    assert_eq!(
        states(&status),
        [
            ("001_create_owners.sql".to_string(), "applied"),
            ("create_widgets".to_string(), "unknown"),
        ]
    );
}

#[tokio::test]
async fn redo_with_nothing_applied_does_nothing() {
    let db = TestDatabase::new().await;
    let report = migrate::run_with(db.url(), &[owners()], MigrateCommand::Redo)
        .await
        .unwrap();
    assert_eq!(
        report,
        MigrateReport::Redo {
            reverted: None,
            applied: vec![]
        }
    );
    assert!(!exists(&db, "owners").await);
}

#[tokio::test]
async fn zero_steps_is_refused() {
    let err = migrate::run_with(
        "postgres://nobody@127.0.0.1:1/none",
        &[owners()],
        MigrateCommand::Down { steps: 0 },
    )
    .await
    .unwrap_err();
    assert!(matches!(err, MigrateError::ZeroSteps), "{err:?}");
}

#[tokio::test]
async fn connection_errors_never_show_the_password() {
    // Nothing listens on port 1.
    let err = migrate::run(
        "postgres://stagely:hunter2@127.0.0.1:1/stagely",
        MigrateCommand::Status,
    )
    .await
    .unwrap_err();
    let shown = format!("{err} {err:?}");
    assert!(matches!(err, MigrateError::Connect { .. }), "{err:?}");
    assert!(!shown.contains("hunter2"), "{shown}");
    assert!(
        err.to_string()
            .starts_with("cannot connect to stagely@127.0.0.1:1/stagely to run migrations"),
        "{err}"
    );

    let err = migrate::run(
        "postgres://stagely:hunter2@127.0.0.1:notaport/x",
        MigrateCommand::Up,
    )
    .await
    .unwrap_err();
    assert!(matches!(err, MigrateError::InvalidUrl { .. }), "{err:?}");
    assert!(!format!("{err} {err:?}").contains("hunter2"), "{err:?}");
}
