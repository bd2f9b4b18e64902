//! `make run` with nothing exported: the binary, in development, reaches PostgreSQL by libpq's
//! defaults, creates its database when missing, generates a key into `.env` once, and becomes
//! ready; a second run reuses the key. Staging refuses the same start.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::str::FromStr;
use std::time::{Duration, Instant};

use sqlx::Connection;
use sqlx::postgres::{PgConnectOptions, PgConnection};

/// A child process stopped when the test ends, also when it fails.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A directory outside any repository, removed at the end.
struct WorkDir(PathBuf);

impl Drop for WorkDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A database name on the test server, dropped at the end (the service creates it).
struct DroppedAtEnd {
    admin: PgConnectOptions,
    name: String,
}

impl Drop for DroppedAtEnd {
    fn drop(&mut self) {
        let admin = self.admin.clone();
        let name = self.name.clone();
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async {
                let mut conn = PgConnection::connect_with(&admin).await?;
                sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
                    "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                )))
                .execute(&mut conn)
                .await
                .map(|_| ())
            })
        })
        .join();
    }
}

/// The libpq variables that reach the test server (what a developer's defaults would be).
fn libpq_variables(server: &str) -> Vec<(String, String)> {
    let url = url::Url::parse(server).unwrap();
    let mut vars = Vec::new();
    let socket = url
        .query_pairs()
        .find(|(k, _)| k == "host")
        .map(|(_, v)| v.into_owned());
    match (socket, url.host_str()) {
        (Some(dir), _) => vars.push(("PGHOST".into(), dir)),
        (None, Some(host)) if !host.is_empty() => vars.push(("PGHOST".into(), host.to_string())),
        _ => {}
    }
    if let Some(port) = url.port() {
        vars.push(("PGPORT".into(), port.to_string()));
    }
    if !url.username().is_empty() {
        vars.push(("PGUSER".into(), url.username().to_string()));
    }
    if let Some(password) = url.password() {
        vars.push(("PGPASSWORD".into(), password.to_string()));
    }
    vars
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

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

/// Starts `serve` in `dir` with only `vars`, waits until /readyz is 200, stops it with SIGTERM,
/// and returns its log.
fn serve_until_ready(dir: &Path, vars: &[(String, String)]) -> String {
    let port = free_port();
    let mut server = Running(
        Command::new(env!("CARGO_BIN_EXE_stagely-core"))
            .arg("serve")
            .env_clear()
            .envs(vars.iter().map(|(k, v)| (k, v)))
            .env("PORT", port.to_string())
            .current_dir(dir)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let deadline = Instant::now() + Duration::from_secs(60);
    while status_of(port, "/readyz") != Some(200) {
        if let Some(status) = server.0.try_wait().unwrap() {
            let mut logs = String::new();
            server.0.stderr.take().unwrap().read_to_string(&mut logs).unwrap();
            panic!("the service exited early ({status}): {logs}");
        }
        assert!(Instant::now() < deadline, "the service never became ready");
        std::thread::sleep(Duration::from_millis(50));
    }
    let pid = server.0.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let status = server.0.wait().unwrap();
    let mut logs = String::new();
    server.0.stderr.take().unwrap().read_to_string(&mut logs).unwrap();
    assert!(status.success(), "{status}: {logs}");
    logs
}

fn saved_keys(dir: &Path) -> Vec<String> {
    std::fs::read_to_string(dir.join(".env"))
        .unwrap_or_default()
        .lines()
        .filter(|l| l.starts_with("ENCRYPTION_KEY="))
        .map(str::to_string)
        .collect()
}

#[test]
fn serves_in_development_with_nothing_but_libpq_defaults() {
    let server = stagely_testdb::server_url().unwrap_or_else(|message| panic!("{message}"));
    let name = format!("stagely_dev_{}_{}", std::process::id(), free_port());
    let _database = DroppedAtEnd {
        admin: PgConnectOptions::from_str(&server).unwrap(),
        name: name.clone(),
    };
    let dir = WorkDir(std::env::temp_dir().join(format!("stagely-dev-test-{name}")));
    std::fs::create_dir_all(&dir.0).unwrap();
    let mut vars = libpq_variables(&server);
    vars.push(("PGDATABASE".into(), name.clone()));

    let first = serve_until_ready(&dir.0, &vars);
    assert!(first.contains("DATABASE_URL is not set"), "{first}");
    assert!(first.contains("created the development database"), "{first}");
    assert!(first.contains("generated a development key"), "{first}");
    let keys = saved_keys(&dir.0);
    assert_eq!(keys.len(), 1, "one key saved in .env");
    let key = keys[0].trim_start_matches("ENCRYPTION_KEY=");
    assert!(!first.contains(key), "the key must not be logged: {first}");

    let second = serve_until_ready(&dir.0, &vars);
    assert!(
        second.contains("using the development key kept in .env"),
        "{second}"
    );
    assert!(!second.contains("created the development database"), "{second}");
    assert_eq!(saved_keys(&dir.0), keys, "the second run reuses the key");
}

#[test]
fn staging_refuses_to_start_on_development_defaults() {
    let dir = WorkDir(std::env::temp_dir().join(format!("stagely-staging-test-{}", free_port())));
    std::fs::create_dir_all(&dir.0).unwrap();
    std::fs::write(
        dir.0.join(".env"),
        "ENCRYPTION_KEY=00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n",
    )
    .unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_stagely-core"))
        .arg("serve")
        .env_clear()
        .env("ENVIRONMENT", "staging")
        .env("PGHOST", "127.0.0.1")
        .current_dir(&dir.0)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("  - DATABASE_URL: is not set"), "{stderr}");
    assert!(stderr.contains("  - ENCRYPTION_KEY: is not set"), "{stderr}");
}
