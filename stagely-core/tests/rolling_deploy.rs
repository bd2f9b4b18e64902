//! Rolling deploys: an older build starting against a database that a newer build already
//! migrated carries on with a warning, as long as the history it knows is intact; a changed or
//! missing older migration is still an error.

use stagely_core::migrate::{self, MigrateCommand, MigrateError, MigrateReport, Migration, MigrationRef};
use stagely_testdb::TestDatabase;

fn migration(version: i64, name: &'static str, up_sql: &'static str, down_sql: &'static str) -> Migration {
    Migration {
        version,
        name,
        file: match version {
            1 => "001_create_owners.sql",
            2 => "002_create_pets.sql",
            _ => "003_create_toys.sql",
        },
        up_sql,
        down_sql,
        up_line: 2,
        down_line: 5,
    }
}

fn owners() -> Migration {
    migration(
        1,
        "create_owners",
        "CREATE TABLE owners (id int PRIMARY KEY);\n",
        "DROP TABLE owners;\n",
    )
}

fn pets() -> Migration {
    migration(
        2,
        "create_pets",
        "CREATE TABLE pets (id int PRIMARY KEY);\n",
        "DROP TABLE pets;\n",
    )
}

fn toys() -> Migration {
    migration(
        3,
        "create_toys",
        "CREATE TABLE toys (id int PRIMARY KEY);\n",
        "DROP TABLE toys;\n",
    )
}

async fn applied_versions(db: &TestDatabase) -> Vec<i64> {
    sqlx::query_scalar("SELECT version FROM _sqlx_migrations ORDER BY version")
        .fetch_all(db.pool())
        .await
        .unwrap()
}

#[tokio::test]
async fn an_older_build_on_a_newer_schema_starts_with_a_warning() {
    let db = TestDatabase::new().await;
    // The newer build migrated first.
    migrate::run_with(db.url(), &[owners(), pets(), toys()], MigrateCommand::Up)
        .await
        .unwrap();

    // The older build, which knows 1 and 2, finds nothing to do and says the schema is newer.
    let report = migrate::run_with(db.url(), &[owners(), pets()], MigrateCommand::Up)
        .await
        .unwrap();
    assert_eq!(
        report,
        MigrateReport::Ahead {
            newer: vec![MigrationRef {
                version: 3,
                file: "create_toys".into()
            }]
        }
    );
    let shown = report.to_string();
    assert!(shown.contains("ahead of this build"), "{shown}");
    assert!(shown.contains("version 3"), "{shown}");
    assert_eq!(applied_versions(&db).await, [1, 2, 3], "nothing was changed");
}

#[tokio::test]
async fn an_older_build_does_not_revert_from_under_newer_migrations() {
    let db = TestDatabase::new().await;
    migrate::run_with(db.url(), &[owners(), pets(), toys()], MigrateCommand::Up)
        .await
        .unwrap();
    for command in [MigrateCommand::Down { steps: 1 }, MigrateCommand::Redo] {
        let err = migrate::run_with(db.url(), &[owners(), pets()], command)
            .await
            .unwrap_err();
        assert!(
            matches!(err, MigrateError::UnknownApplied { version: 3 }),
            "{command:?}: {err:?}"
        );
    }
    assert_eq!(applied_versions(&db).await, [1, 2, 3]);
}

#[tokio::test]
async fn a_changed_older_migration_is_still_an_error_on_a_newer_schema() {
    let db = TestDatabase::new().await;
    migrate::run_with(db.url(), &[owners(), pets(), toys()], MigrateCommand::Up)
        .await
        .unwrap();
    let edited_pets = migration(
        2,
        "create_pets",
        "CREATE TABLE pets (id int PRIMARY KEY, name text);\n",
        "DROP TABLE pets;\n",
    );
    let err = migrate::run_with(db.url(), &[owners(), edited_pets], MigrateCommand::Up)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, MigrateError::Changed { file } if file == "002_create_pets.sql"),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_missing_older_migration_is_still_an_error_on_a_newer_schema() {
    let db = TestDatabase::new().await;
    // A build whose history is 1, 3 migrated; a build whose history is 1, 2 starts.
    migrate::run_with(db.url(), &[owners(), toys()], MigrateCommand::Up)
        .await
        .unwrap();
    let err = migrate::run_with(db.url(), &[owners(), pets()], MigrateCommand::Up)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, MigrateError::MissingBeforeNewer { file, newer: 3 } if file == "002_create_pets.sql"),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("002_create_pets.sql is not applied"),
        "{err}"
    );
    assert_eq!(
        applied_versions(&db).await,
        [1, 3],
        "002 was not applied under 003"
    );
}

#[tokio::test]
async fn an_unknown_migration_inside_this_builds_range_is_still_an_error() {
    let db = TestDatabase::new().await;
    migrate::run_with(db.url(), &[owners(), pets(), toys()], MigrateCommand::Up)
        .await
        .unwrap();
    let err = migrate::run_with(db.url(), &[owners(), toys()], MigrateCommand::Up)
        .await
        .unwrap_err();
    assert!(
        matches!(err, MigrateError::UnknownApplied { version: 2 }),
        "{err:?}"
    );
}
