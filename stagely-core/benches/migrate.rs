//! Applying all migrations to an empty database: our runner against psql running the same SQL.
//!
//! - runner: `stagely_core::migrate::run(url, MigrateCommand::Up)`, in-process (one
//!   connection, sqlx's advisory lock, one transaction and one `_sqlx_migrations` row with a
//!   SHA-384 checksum per migration);
//! - psql: `psql -X -q -v ON_ERROR_STOP=1 -f up.sql`, where `up.sql` is every Up section of
//!   [`MIGRATIONS`] in order (the very SQL the runner applies), autocommitted statement by
//!   statement; timed from spawn to exit, so it includes psql's own start-up, which is timed
//!   separately too (`psql -c 'SELECT 1'`) so the report can say how much that is.
//!
//! After each runner run, a second `Up` on the now current database times the runner's fixed
//! cost (connect, lock, read the bookkeeping, apply nothing), and a bare sqlx connect + close
//! times how much of that is the connection, to split the gap to psql into its parts; a third
//! turn runs the runner over a connection without TLS (`sslmode=disable`), as that connect is
//! where sqlx 0.9.0 loses its time (see BENCHMARKS.md).
//!
//! Each run gets a fresh scratch database on 127.0.0.1, created and dropped outside the timing;
//! the two take turns. Results go to `migrate.json` in the results directory.
//!
//! Run with `cargo bench -p stagely-core --bench migrate` (or `make bench`); `BENCH_RUNS`
//! sets the runs (default 10).

// The database benchmarks' shared setup lives with the models' benchmarks.
#[path = "../../stagely-models/benches/common/mod.rs"]
mod common;

use std::process::Command;
use std::time::Instant;

use sqlx::{Connection, PgConnection};
use stagely_core::migrate::{self, MIGRATIONS, MigrateCommand};
use stagely_testdb::scratch::ScratchDatabase;

async fn scratch(server: &str) -> ScratchDatabase {
    ScratchDatabase::create(server, "bench_migrate")
        .await
        .unwrap_or_else(|e| {
            panic!(
                "{e}; is PostgreSQL running at {server}? (set {})",
                common::BENCH_DATABASE_URL
            )
        })
}

/// Seconds for `psql` with `args` against `url`, or why psql could not be timed.
fn time_psql(url: &str, args: &[&str]) -> Result<f64, String> {
    let start = Instant::now();
    let output = Command::new("psql")
        .args(["-X", "-q", "-v", "ON_ERROR_STOP=1"])
        .args(args)
        .arg(url)
        .output()
        .map_err(|e| format!("cannot run psql: {e}"))?;
    let seconds = start.elapsed().as_secs_f64();
    if !output.status.success() {
        return Err(format!(
            "psql failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    Ok(seconds)
}

/// `url` asking for a plain connection: sqlx otherwise tries TLS first (`sslmode=prefer`).
fn without_tls(url: &str) -> String {
    let separator = if url.contains('?') { '&' } else { '?' };
    format!("{url}{separator}sslmode=disable")
}

fn main() {
    if !common::selected("migrate") {
        return;
    }
    let runs: usize = std::env::var("BENCH_RUNS")
        .ok()
        .map(|t| {
            t.parse()
                .unwrap_or_else(|_| panic!("BENCH_RUNS={t} is not a whole number"))
        })
        .unwrap_or(10usize)
        .max(1);
    let server = common::server_url();
    let up_sql = common::results_dir().join("migrations_up.sql");
    let sql: String = MIGRATIONS.iter().map(|m| format!("{}\n", m.up_sql)).collect();
    std::fs::write(&up_sql, sql).unwrap_or_else(|e| panic!("cannot write {}: {e}", up_sql.display()));
    let up_sql_arg = up_sql.to_str().expect("a UTF-8 path");

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let (mut runner, mut psql, mut psql_startup) = (Vec::new(), Vec::new(), Vec::new());
    let mut runner_nothing_pending = Vec::new();
    let mut sqlx_connect = Vec::new();
    let mut runner_without_tls = Vec::new();
    let mut psql_unavailable: Option<String> = None;
    runtime.block_on(async {
        for run in 0..runs {
            // Rotate which goes first, so none always meets a warmer server.
            for turn in 0..3 {
                let db = scratch(&server).await;
                let kind = (run + turn) % 3;
                if kind == 2 {
                    // Informational: the same runner over a connection without TLS.
                    let url = without_tls(db.url());
                    let start = Instant::now();
                    migrate::run(&url, MigrateCommand::Up)
                        .await
                        .unwrap_or_else(|e| panic!("the runner failed without TLS: {e}"));
                    runner_without_tls.push(start.elapsed().as_secs_f64());
                } else if kind == 0 {
                    let start = Instant::now();
                    let report = migrate::run(db.url(), MigrateCommand::Up)
                        .await
                        .unwrap_or_else(|e| panic!("the runner failed: {e}"));
                    let seconds = start.elapsed().as_secs_f64();
                    drop(report);
                    runner.push(seconds);
                    eprintln!("migrate bench: run {}/{runs}: runner {seconds:.3} s", run + 1);
                    let start = Instant::now();
                    migrate::run(db.url(), MigrateCommand::Up)
                        .await
                        .unwrap_or_else(|e| panic!("the runner failed on a current database: {e}"));
                    runner_nothing_pending.push(start.elapsed().as_secs_f64());
                    let start = Instant::now();
                    let conn = PgConnection::connect(db.url())
                        .await
                        .unwrap_or_else(|e| panic!("cannot connect: {e}"));
                    conn.close().await.ok();
                    sqlx_connect.push(start.elapsed().as_secs_f64());
                } else if psql_unavailable.is_none() {
                    match time_psql(db.url(), &["-f", up_sql_arg]) {
                        Ok(seconds) => {
                            psql.push(seconds);
                            eprintln!("migrate bench: run {}/{runs}: psql   {seconds:.3} s", run + 1);
                        }
                        Err(why) => {
                            eprintln!("migrate bench: yardstick unavailable: {why}");
                            psql_unavailable = Some(why);
                        }
                    }
                    if let Ok(seconds) = time_psql(db.url(), &["-c", "SELECT 1"]) {
                        psql_startup.push(seconds);
                    }
                }
                db.drop_now()
                    .await
                    .unwrap_or_else(|e| panic!("cannot drop the scratch database: {e}"));
            }
        }
    });

    let (median, min, max) = common::summary(&runner);
    eprintln!("migrate bench: runner median {median:.3} s (min {min:.3}, max {max:.3})");
    if !psql.is_empty() {
        let (median, min, max) = common::summary(&psql);
        eprintln!("migrate bench: psql   median {median:.3} s (min {min:.3}, max {max:.3})");
    }
    let json = serde_json::json!({
        "migrations": MIGRATIONS.len(),
        "runs": runs,
        "runner": runner,
        "runner_nothing_pending": runner_nothing_pending,
        "sqlx_connect": sqlx_connect,
        "runner_without_tls": runner_without_tls,
        "psql": psql,
        "psql_startup": psql_startup,
        "psql_unavailable": psql_unavailable,
    });
    let out = common::results_dir().join("migrate.json");
    std::fs::write(&out, serde_json::to_string_pretty(&json).expect("JSON"))
        .unwrap_or_else(|e| panic!("cannot write {}: {e}", out.display()));
}
