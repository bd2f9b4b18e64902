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
