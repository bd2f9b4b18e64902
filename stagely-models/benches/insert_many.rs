//! Bulk loading 100,000 `build_logs` rows, on one connection to 127.0.0.1:
//!
//! - `insert_many`: the generated one-statement insert (each column sent as an array and
//!   `UNNEST`ed), which also returns every stored row;
//! - `insert_many_count`: the same statement without `RETURNING` (generated);
//! - `copy_many`: the generated binary `COPY ... FROM STDIN`;
//! - a loop of the generated single-row `insert`, all in one transaction (yardstick);
//! - `COPY build_logs (...) FROM STDIN` in text format through sqlx's `copy_in_raw`, written by
//!   hand, the way a loader without generated code does it (the yardstick for the bulk paths).
//!
//! A custom harness rather than criterion: one run takes seconds, so a handful of runs with
//! their median and spread says more than criterion's statistics on three samples. The
//! methods take turns within each round and the table is truncated before every run, so
//! drift on a busy machine hits all three alike. Results go to `insert_many.json` in the
//! results directory (see `common::results_dir`).
//!
//! Run with `cargo bench -p stagely-models --bench insert_many` (or `make bench`);
//! `BENCH_ROWS` and `BENCH_RUNS` shrink it for a quick look.

mod common;

use std::fmt::Write as _;
use std::time::Instant;

use sqlx::{Connection, PgConnection};
use stagely_models::{
    Architecture, BuildJob, BuildLog, Environment, NewBuildJob, NewBuildLog, NewEnvironment, NewProject,
    NewTeam, NewWorkflowRun, Project, Stream, Team, Trigger, WorkflowRun,
};

/// COPY data is sent in pieces of about this size, as a streaming loader would.
const COPY_CHUNK: usize = 64 * 1024;

fn env_number(name: &str, default: usize) -> usize {
    match std::env::var(name) {
        Ok(text) => text
            .parse()
            .unwrap_or_else(|_| panic!("{name}={text} is not a whole number")),
        Err(_) => default,
    }
}

/// The build job every log line belongs to, with the parents its foreign keys need.
async fn build_job(conn: &mut PgConnection) -> uuid::Uuid {
    let team = Team::insert(&mut *conn, &NewTeam::new("bench", "Bench"))
        .await
        .expect("team");
    let project = Project::insert(
        &mut *conn,
        &NewProject::new(team.id, "bench", "Bench", "https://git.example/bench"),
    )
    .await
    .expect("project");
    let environment = Environment::insert(
        &mut *conn,
        &NewEnvironment::new(project.id, "main", "c0ffee", "benchhash0001"),
    )
    .await
    .expect("environment");
    let run = WorkflowRun::insert(
        &mut *conn,
        &NewWorkflowRun::new(environment.id, Trigger::PrOpened),
    )
    .await
    .expect("workflow run");
    BuildJob::insert(
        &mut *conn,
        &NewBuildJob::new(run.id, "bench", Architecture::Amd64),
    )
    .await
    .expect("build job")
    .id
}

/// Log lines of varied length, like a compiler's output.
fn rows(build_job_id: uuid::Uuid, count: usize) -> Vec<NewBuildLog> {
    (0..count)
        .map(|i| {
            let stream = if i % 10 == 9 {
                Stream::Stderr
            } else {
                Stream::Stdout
            };
            let line = format!(
                "step {i}: Compiling crate-{} v0.{}.{} (/build/src/crate-{}){}",
                i % 97,
                i % 13,
                i % 7,
                i % 97,
                " ".repeat(i % 40)
            );
            NewBuildLog::new(build_job_id, stream, line)
        })
        .collect()
}

async fn by_insert_many(conn: &mut PgConnection, rows: &[NewBuildLog]) {
    let stored = BuildLog::insert_many(&mut *conn, rows)
        .await
        .expect("insert_many");
    assert_eq!(stored.len(), rows.len());
}

async fn by_single_inserts(conn: &mut PgConnection, rows: &[NewBuildLog]) {
    let mut tx = conn.begin().await.expect("begin");
    for row in rows {
        BuildLog::insert(&mut *tx, row).await.expect("insert");
    }
    tx.commit().await.expect("commit");
}

/// Text-format COPY: tab-separated columns; backslash, tab, newline and carriage return in
/// values must be escaped.
async fn by_copy(conn: &mut PgConnection, rows: &[NewBuildLog]) {
    let mut copy = conn
        .copy_in_raw("COPY build_logs (build_job_id, stream, line) FROM STDIN")
        .await
        .expect("copy_in_raw");
    let mut buffer = String::with_capacity(COPY_CHUNK + 256);
    for row in rows {
        let stream = match row.stream {
            Stream::Stdout => "stdout",
            Stream::Stderr => "stderr",
        };
        write!(buffer, "{}\t{stream}\t", row.build_job_id).expect("writing to a String");
        for c in row.line.chars() {
            match c {
                '\\' => buffer.push_str("\\\\"),
                '\t' => buffer.push_str("\\t"),
                '\n' => buffer.push_str("\\n"),
                '\r' => buffer.push_str("\\r"),
                c => buffer.push(c),
            }
        }
        buffer.push('\n');
        if buffer.len() >= COPY_CHUNK {
            copy.send(buffer.as_bytes()).await.expect("copy send");
            buffer.clear();
        }
    }
    if !buffer.is_empty() {
        copy.send(buffer.as_bytes()).await.expect("copy send");
    }
    let copied = copy.finish().await.expect("copy finish");
    assert_eq!(copied, rows.len() as u64);
}

async fn by_insert_many_count(conn: &mut PgConnection, rows: &[NewBuildLog]) {
    let stored = BuildLog::insert_many_count(&mut *conn, rows)
        .await
        .expect("insert_many_count");
    assert_eq!(stored, rows.len() as u64);
}

async fn by_copy_many(conn: &mut PgConnection, rows: &[NewBuildLog]) {
    let stored = BuildLog::copy_many(conn, rows).await.expect("copy_many");
    assert_eq!(stored, rows.len() as u64);
}

const METHODS: [&str; 5] = [
    "insert_many",
    "insert_many_count",
    "copy_many",
    "single_inserts_in_one_transaction",
    "copy",
];

async fn run_method(conn: &mut PgConnection, method: &str, rows: &[NewBuildLog]) -> f64 {
    sqlx::query("TRUNCATE build_logs")
        .execute(&mut *conn)
        .await
        .expect("truncate");
    let start = Instant::now();
    match method {
        "insert_many" => by_insert_many(conn, rows).await,
        "single_inserts_in_one_transaction" => by_single_inserts(conn, rows).await,
        "copy" => by_copy(conn, rows).await,
        "insert_many_count" => by_insert_many_count(conn, rows).await,
        "copy_many" => by_copy_many(conn, rows).await,
        other => unreachable!("unknown method {other}"),
    }
    let seconds = start.elapsed().as_secs_f64();
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM build_logs")
        .fetch_one(&mut *conn)
        .await
        .expect("count");
    assert_eq!(count as usize, rows.len(), "{method} stored every row");
    seconds
}

fn main() {
    if !common::selected("insert_many") {
        return;
    }
    let count = env_number("BENCH_ROWS", 100_000);
    let runs = env_number("BENCH_RUNS", 5).max(1);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    runtime.block_on(async {
        let (db, mut conn) = common::migrated_database("bench_insert_many").await;
        let job = build_job(&mut conn).await;
        let rows = rows(job, count);
        // One untimed pass of each warms the plan caches and the table's pages.
        for method in METHODS {
            run_method(&mut conn, method, &rows[..rows.len().min(5_000)]).await;
        }
        let mut seconds: Vec<Vec<f64>> = vec![Vec::new(); METHODS.len()];
        for round in 0..runs {
            for k in 0..METHODS.len() {
                // Rotate the order each round so no method always runs first.
                let m = (round + k) % METHODS.len();
                let s = run_method(&mut conn, METHODS[m], &rows).await;
                eprintln!("insert_many bench: round {}/{runs}: {:<34} {s:8.3} s", round + 1, METHODS[m]);
                seconds[m].push(s);
            }
        }
        conn.close().await.ok();
        db.drop_now().await.ok();

        let mut methods = serde_json::Map::new();
        for (m, name) in METHODS.iter().enumerate() {
            let (median, min, max) = common::summary(&seconds[m]);
            eprintln!(
                "insert_many bench: {name:<34} median {median:.3} s ({:.0} rows/s), min {min:.3}, max {max:.3}",
                count as f64 / median
            );
            methods.insert(name.to_string(), serde_json::json!({ "seconds": seconds[m] }));
        }
        let out = common::results_dir().join("insert_many.json");
        let json = serde_json::json!({ "rows": count, "runs": runs, "methods": methods });
        std::fs::write(&out, serde_json::to_string_pretty(&json).expect("JSON"))
            .unwrap_or_else(|e| panic!("cannot write {}: {e}", out.display()));
        eprintln!("insert_many bench: wrote {}", out.display());
    });
}
