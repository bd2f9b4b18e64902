//! The `stagely-core` binary end to end: exit codes, output, and the start-up story of `serve`.

use std::io::{Read, Write};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use stagely_testdb::TestDatabase;

fn stagely_core(args: &[&str], env: &[(&str, &str)]) -> Output {
    let dir = outside_the_repository();
    let output = Command::new(env!("CARGO_BIN_EXE_stagely-core"))
        .args(args)
        // Only what the test sets: the developer's own DATABASE_URL must not leak in, and
        // neither may the repository's .env (development reads it), so run outside the tree.
        .env_clear()
        .envs(env.iter().copied())
        .current_dir(&dir)
        .output()
        .expect("the binary runs");
    let _ = std::fs::remove_dir_all(&dir);
    output
}

/// A fresh, empty directory outside any git repository, for the binary to run in.
fn outside_the_repository() -> std::path::PathBuf {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    let dir = std::env::temp_dir().join(format!(
        "stagely-cli-test-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn gen_key_prints_a_new_64_hex_character_key() {
    let first = stagely_core(&["gen-key"], &[]);
    let second = stagely_core(&["gen-key"], &[]);
    assert!(first.status.success());
    let key = String::from_utf8(first.stdout).unwrap();
    let key = key.strip_suffix('\n').expect("one line");
    assert_eq!(key.len(), 64);
    assert!(key.bytes().all(|b| b.is_ascii_hexdigit()), "{key}");
    assert_ne!(key.as_bytes(), second.stdout.trim_ascii_end());
    // The key it prints is one the configuration accepts.
    stagely_core::config::Config::from_vars([("DATABASE_URL", "postgres://h/db"), ("ENCRYPTION_KEY", key)])
        .unwrap();
}

#[test]
fn serve_without_configuration_lists_every_problem_and_exits_2() {
    // Outside development nothing has a default (development's are in tests/development.rs).
    for args in [&[][..], &["serve"][..]] {
        let output = stagely_core(args, &[("PORT", "0"), ("ENVIRONMENT", "staging")]);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert!(stderr.contains("invalid configuration (3 problems)"), "{stderr}");
        for variable in ["DATABASE_URL", "ENCRYPTION_KEY", "PORT"] {
            assert!(stderr.contains(&format!("  - {variable}: ")), "{stderr}");
        }
        assert!(stderr.contains("export DATABASE_URL=postgres://"), "{stderr}");
        assert!(output.stdout.is_empty());
    }
}

#[test]
fn an_invalid_secret_is_not_echoed() {
    let output = stagely_core(
        &["serve"],
        &[
            ("DATABASE_URL", "postgres://app:pg-password-5@127.0.0.1:1/db"),
            ("ENCRYPTION_KEY", "0123456789abcdef-not-a-key"),
            ("JWT_SECRET", "short-jwt"),
        ],
    );
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    for secret in ["pg-password-5", "0123456789abcdef-not-a-key", "short-jwt"] {
        assert!(!stderr.contains(secret), "{secret} leaked: {stderr}");
    }
}

#[test]
fn help_lists_the_commands() {
    let output = stagely_core(&["--help"], &[]);
    assert!(output.status.success());
    let help = String::from_utf8(output.stdout).unwrap();
    for command in ["serve", "migrate", "gen-key", "rotate-key"] {
        assert!(help.contains(command), "{help}");
    }
    let output = stagely_core(&["migrate", "--help"], &[]);
    let help = String::from_utf8(output.stdout).unwrap();
    for action in ["up", "down", "status", "redo"] {
        assert!(help.contains(action), "{help}");
    }
    let output = stagely_core(&["rotate-key", "--help"], &[]);
    let help = String::from_utf8(output.stdout).unwrap();
    assert!(help.contains("--batch-size"), "{help}");
    assert_eq!(
        stagely_core(&["rotate-key", "--batch-size", "0"], &[])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn migrate_down_rejects_zero_steps() {
    let output = stagely_core(&["migrate", "down", "--steps", "0"], &[]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn migrate_needs_only_the_database_url() {
    let output = stagely_core(&["migrate", "status"], &[("ENVIRONMENT", "production")]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("invalid configuration (1 problem)"), "{stderr}");
    assert!(stderr.contains("  - DATABASE_URL: is not set"), "{stderr}");
    assert!(!stderr.contains("ENCRYPTION_KEY"), "{stderr}");
}

/// Rows in the migration bookkeeping table, or `None` when it does not exist.
async fn applied_migrations(db: &TestDatabase) -> Option<i64> {
    sqlx::query_scalar("SELECT count(*) FROM _sqlx_migrations")
        .fetch_one(db.pool())
        .await
        .ok()
}

#[tokio::test]
async fn migrate_up_down_and_status_change_the_database() {
    let db = TestDatabase::new().await;
    let env = [("DATABASE_URL", db.url())];
    let total = stagely_models::migrations::MIGRATIONS.len() as i64;

    let up = stagely_core(&["migrate", "up"], &env);
    assert!(up.status.success(), "{}", String::from_utf8_lossy(&up.stderr));
    assert_eq!(applied_migrations(&db).await, Some(total));

    let down = stagely_core(&["migrate", "down", "--steps", "2"], &env);
    assert!(down.status.success(), "{}", String::from_utf8_lossy(&down.stderr));
    assert_eq!(applied_migrations(&db).await, Some(total - 2));

    let status = stagely_core(&["migrate", "status"], &env);
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    assert!(!status.stdout.is_empty());
}

/// A child process killed when the test ends, also when it fails.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `GET path` on localhost:`port` with a blocking client; the status code, if anyone answered.
fn status_of(port: u16, path: &str) -> Option<u16> {
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    response.split(' ').nth(1)?.parse().ok()
}

#[tokio::test]
async fn serve_migrates_serves_and_stops_cleanly_on_sigterm() {
    let db = TestDatabase::new().await;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let key = String::from_utf8(stagely_core(&["gen-key"], &[]).stdout).unwrap();
    let mut server = Running(
        Command::new(env!("CARGO_BIN_EXE_stagely-core"))
            .arg("serve")
            .env_clear()
            .current_dir(outside_the_repository())
            .env("DATABASE_URL", db.url())
            .env("ENCRYPTION_KEY", key.trim())
            .env("PORT", port.to_string())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
    );

    // Ready once it has connected, migrated (AUTO_MIGRATE is on outside production) and bound.
    let deadline = Instant::now() + Duration::from_secs(60);
    while status_of(port, "/readyz") != Some(200) {
        assert!(Instant::now() < deadline, "the service never became ready");
        assert!(server.0.try_wait().unwrap().is_none(), "the service exited early");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(status_of(port, "/healthz"), Some(200));
    assert_eq!(
        applied_migrations(&db).await,
        Some(stagely_models::migrations::MIGRATIONS.len() as i64)
    );

    let pid = server.0.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = server.0.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "the service did not stop on SIGTERM");
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut logs = String::new();
    server.0.stderr.take().unwrap().read_to_string(&mut logs).unwrap();
    assert!(status.success(), "{status}: {logs}");
    assert!(logs.contains("SIGTERM received"), "{logs}");
    assert!(logs.contains("closing the database pool"), "{logs}");
}
