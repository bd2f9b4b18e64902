//! `stagely-core rotate-key` against a real PostgreSQL: values encrypted with key A are
//! re-encrypted with key B, the run survives being killed midway (run again, it finishes), and
//! a value neither key opens stops it, named by table, column and id, before anything changes.

use std::io::Read;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use sqlx::{Connection, PgPool};
use stagely_core::crypto::{self, EncryptionKey};
use stagely_core::migrate::{self, MigrateCommand};
use stagely_models::{
    CloudProvider, NewCloudProvider, NewProject, NewSecret, NewTeam, Project, ProviderType, Secret, Team,
};
use stagely_testdb::TestDatabase;
use uuid::Uuid;

const KEY_A: &str = "0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a";
const KEY_B: &str = "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b";
const KEY_C: &str = "0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c";

fn key(hex: &str) -> EncryptionKey {
    EncryptionKey::from_hex(hex).unwrap()
}

/// A child process killed when the test ends, also when it fails.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn rotate_key_command(db: &TestDatabase, batch_size: u32) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_stagely-core"));
    command
        .args(["rotate-key", "--batch-size", &batch_size.to_string()])
        .env_clear()
        .env("DATABASE_URL", db.url())
        .env("ENCRYPTION_KEY", KEY_B)
        .env("ENCRYPTION_KEY_PREVIOUS", KEY_A)
        // Outside the repository: development would read its .env.
        .current_dir(std::env::temp_dir());
    command
}

fn rotate_key(db: &TestDatabase, batch_size: u32) -> Output {
    rotate_key_command(db, batch_size).output().unwrap()
}

/// The schema, a team and a project, 3 cloud providers and 7 secrets encrypted with `key`;
/// returns (id, plaintext) of the providers and of the secrets, each sorted by id.
async fn seed(pool: &PgPool, url: &str, key: &EncryptionKey) -> (Vec<(Uuid, String)>, Vec<(Uuid, String)>) {
    migrate::run(url, MigrateCommand::Up).await.unwrap();
    let team = Team::insert(pool, &NewTeam::new("acme", "Acme")).await.unwrap();
    let project = Project::insert(
        pool,
        &NewProject::new(team.id, "web", "Web", "https://example.test/acme/web"),
    )
    .await
    .unwrap();
    let mut providers = Vec::new();
    for i in 0..3 {
        let plaintext = format!("{{\"access_key\":\"AKIA-{i}\"}}");
        let stored = crypto::encrypt(&plaintext, key).unwrap();
        let row = CloudProvider::insert(
            pool,
            &NewCloudProvider::new(team.id, format!("p{i}"), ProviderType::Aws, stored),
        )
        .await
        .unwrap();
        providers.push((row.id, plaintext));
    }
    let mut secrets = Vec::new();
    for i in 0..7 {
        let plaintext = format!("password-{i}-ü");
        let stored = crypto::encrypt(&plaintext, key).unwrap();
        let row = Secret::insert(pool, &NewSecret::new(project.id, format!("K{i}"), stored))
            .await
            .unwrap();
        secrets.push((row.id, plaintext));
    }
    providers.sort();
    secrets.sort();
    (providers, secrets)
}

async fn stored(pool: &PgPool, table: &str, column: &str, id: Uuid) -> String {
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT {column} FROM {table} WHERE id = $1"
    )))
    .bind(id)
    .fetch_one(pool)
    .await
    .unwrap()
}

/// Whether `key` alone opens the stored value, and it is `plaintext`.
async fn opens_with(
    pool: &PgPool,
    table: &str,
    column: &str,
    (id, plaintext): &(Uuid, String),
    key: &EncryptionKey,
) -> bool {
    crypto::decrypt(&stored(pool, table, column, *id).await, key).is_ok_and(|text| text == *plaintext)
}

#[tokio::test]
async fn rotate_key_survives_an_interruption_and_finishes_on_the_next_run() {
    let db = TestDatabase::new().await;
    let pool = db.pool();
    let (providers, secrets) = seed(pool, db.url(), &key(KEY_A)).await;

    // Hold a lock on the fifth secret: with batches of 2, the run commits the providers and
    // two batches of secrets, then waits on the batch holding that row.
    let mut holder = sqlx::PgConnection::connect(db.url()).await.unwrap();
    sqlx::query("BEGIN").execute(&mut holder).await.unwrap();
    sqlx::query("SELECT 1 FROM secrets WHERE id = $1 FOR UPDATE")
        .bind(secrets[4].0)
        .execute(&mut holder)
        .await
        .unwrap();

    let mut run = Running(
        rotate_key_command(&db, 2)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let waiting: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() \
             AND application_name = 'stagely-core rotate-key' AND wait_event_type = 'Lock'",
        )
        .fetch_one(pool)
        .await
        .unwrap();
        if waiting > 0 {
            break;
        }
        if let Some(status) = run.0.try_wait().unwrap() {
            let mut logs = String::new();
            run.0.stderr.take().unwrap().read_to_string(&mut logs).unwrap();
            panic!("rotate-key ended before reaching the locked row ({status}): {logs}");
        }
        assert!(
            Instant::now() < deadline,
            "rotate-key never reached the locked row"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // The interruption: killed outright, mid-batch.
    run.0.kill().unwrap();
    run.0.wait().unwrap();
    sqlx::query("ROLLBACK").execute(&mut holder).await.unwrap();

    let (a, b) = (key(KEY_A), key(KEY_B));
    for provider in &providers {
        assert!(opens_with(pool, "cloud_providers", "encrypted_credentials", provider, &b).await);
    }
    for (i, secret) in secrets.iter().enumerate() {
        let (expected, other) = if i < 4 { (&b, &a) } else { (&a, &b) };
        assert!(
            opens_with(pool, "secrets", "encrypted_value", secret, expected).await,
            "secret {i}"
        );
        assert!(
            !opens_with(pool, "secrets", "encrypted_value", secret, other).await,
            "secret {i}"
        );
    }

    // Run again: it finishes what is left and leaves the rest alone.
    let output = rotate_key(&db, 2);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout
            .contains("cloud_providers.encrypted_credentials: 0 re-encrypted, 3 already on the current key"),
        "{stdout}"
    );
    assert!(
        stdout.contains("secrets.encrypted_value: 3 re-encrypted, 4 already on the current key"),
        "{stdout}"
    );
    for provider in &providers {
        assert!(opens_with(pool, "cloud_providers", "encrypted_credentials", provider, &b).await);
    }
    for secret in &secrets {
        assert!(opens_with(pool, "secrets", "encrypted_value", secret, &b).await);
    }
}

#[tokio::test]
async fn a_value_neither_key_opens_stops_the_run_before_anything_changes() {
    let db = TestDatabase::new().await;
    let pool = db.pool();
    let (providers, secrets) = seed(pool, db.url(), &key(KEY_A)).await;
    let stray = crypto::encrypt("stray-plaintext", &key(KEY_C)).unwrap();
    sqlx::query("UPDATE secrets SET encrypted_value = $1 WHERE id = $2")
        .bind(&stray)
        .bind(secrets[5].0)
        .execute(pool)
        .await
        .unwrap();

    let output = rotate_key(&db, 2);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("secrets.encrypted_value"), "{stderr}");
    assert!(stderr.contains(&secrets[5].0.to_string()), "{stderr}");
    assert!(stderr.contains("ENCRYPTION_KEY_PREVIOUS"), "{stderr}");
    for leak in [stray.as_str(), "stray-plaintext", KEY_A, KEY_B] {
        assert!(!stderr.contains(leak), "{leak} leaked: {stderr}");
    }

    // Refused before the first change: everything is still under A.
    let a = key(KEY_A);
    for provider in &providers {
        assert!(opens_with(pool, "cloud_providers", "encrypted_credentials", provider, &a).await);
    }
    for (i, secret) in secrets.iter().enumerate().filter(|(i, _)| *i != 5) {
        assert!(
            opens_with(pool, "secrets", "encrypted_value", secret, &a).await,
            "secret {i}"
        );
    }
}

#[test]
fn the_encrypted_columns_come_from_the_generated_models() {
    assert_eq!(
        stagely_models::ENCRYPTED_COLUMNS,
        [
            ("public", "cloud_providers", "encrypted_credentials"),
            ("public", "secrets", "encrypted_value"),
        ]
    );
}
