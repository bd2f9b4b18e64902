//! Shared setup for the database tests of the generated models.

#![allow(dead_code)]

use chrono::{DateTime, TimeZone, Utc};
use sqlx::AssertSqlSafe;
use stagely_models::migrations::MIGRATIONS;
use stagely_testdb::TestDatabase;

/// A fresh database with every migration's Up SQL applied.
pub async fn migrated_database() -> TestDatabase {
    let db = TestDatabase::new().await;
    for m in MIGRATIONS {
        sqlx::raw_sql(AssertSqlSafe(m.up_sql))
            .execute(db.pool())
            .await
            .unwrap_or_else(|e| panic!("{} failed: {e}", m.file));
    }
    db
}

/// A fixed instant with whole microseconds, which PostgreSQL stores exactly.
pub fn at(seconds: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_750_000_000 + seconds, 123_456_000).unwrap()
}

/// A team whose name is its slug in capitals.
pub async fn team(pool: &sqlx::PgPool, slug: &str) -> stagely_models::Team {
    use stagely_models::{NewTeam, Team};
    Team::insert(pool, &NewTeam::new(slug, slug.to_uppercase()))
        .await
        .unwrap()
}

/// A project of `team` named and slugged `slug`.
pub async fn project(
    pool: &sqlx::PgPool,
    team: &stagely_models::Team,
    slug: &str,
) -> stagely_models::Project {
    use stagely_models::{NewProject, Project};
    Project::insert(
        pool,
        &NewProject::new(team.id, slug, slug, format!("https://git.test/{slug}")),
    )
    .await
    .unwrap()
}
