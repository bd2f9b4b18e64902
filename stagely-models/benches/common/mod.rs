//! Shared setup for the database benchmarks: which server, a migrated scratch database, and
//! where results go.

#![allow(dead_code)]

use std::path::PathBuf;

use sqlx::{AssertSqlSafe, Connection, PgConnection};
use stagely_models::migrations::MIGRATIONS;
use stagely_testdb::scratch::ScratchDatabase;

/// The variable naming the PostgreSQL server the benchmarks load.
pub const BENCH_DATABASE_URL: &str = "BENCH_DATABASE_URL";

/// The server used when [`BENCH_DATABASE_URL`] is unset: the machine's own PostgreSQL.
pub const DEFAULT_SERVER: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// The benchmark server's URL, refusing any host but this machine's loopback: a benchmark
/// is load, and load is only ever sent to 127.0.0.1 (or a local socket).
pub fn server_url() -> String {
    let url = std::env::var(BENCH_DATABASE_URL).unwrap_or_else(|_| DEFAULT_SERVER.to_string());
    let parsed = url::Url::parse(&url).unwrap_or_else(|e| {
        panic!("{BENCH_DATABASE_URL} is not a URL ({e}); expected e.g. {DEFAULT_SERVER}")
    });
    let host = parsed.host_str().unwrap_or("");
    let local = host.is_empty()
        || host == "localhost"
        || host == "[::1]"
        || host
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback());
    assert!(
        local,
        "{BENCH_DATABASE_URL} points at {host}; benchmarks only load a server on this machine (127.0.0.1)"
    );
    url
}

/// A scratch database with every migration's Up SQL applied, and one connection to it.
pub async fn migrated_database(prefix: &str) -> (ScratchDatabase, PgConnection) {
    let server = server_url();
    let db = ScratchDatabase::create(&server, prefix)
        .await
        .unwrap_or_else(|e| panic!("{e}; is PostgreSQL running at {server}? (set {BENCH_DATABASE_URL})"));
    let mut conn = PgConnection::connect_with(&db.connect_options())
        .await
        .unwrap_or_else(|e| panic!("cannot connect to scratch database {}: {e}", db.name()));
    for m in MIGRATIONS {
        sqlx::raw_sql(AssertSqlSafe(m.up_sql))
            .execute(&mut conn)
            .await
            .unwrap_or_else(|e| panic!("{} failed: {e}", m.file));
    }
    (db, conn)
}

/// Where the custom-harness benchmarks write their JSON results (`BENCH_RESULTS`, else
/// `target/bench/results` of the workspace).
pub fn results_dir() -> PathBuf {
    let dir = std::env::var_os("BENCH_RESULTS").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/bench/results"),
        PathBuf::from,
    );
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
    dir
}

/// Median, minimum and maximum of some measurements.
pub fn summary(values: &[f64]) -> (f64, f64, f64) {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    let median = if n % 2 == 1 {
        sorted[n / 2]
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
    };
    (median, sorted[0], sorted[n - 1])
}

/// Whether this custom-harness benchmark should run: only under `cargo bench`, which passes
/// `--bench` (`cargo test --all-targets` runs bench binaries without it, and a minutes-long
/// benchmark has no place in a test run), and only when no filter argument excludes `name`,
/// as libtest and criterion do.
pub fn selected(name: &str) -> bool {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if !args.iter().any(|a| a == "--bench") {
        eprintln!("{name}: a benchmark; run it with `cargo bench` (or pass --bench)");
        return false;
    }
    let filters: Vec<&String> = args.iter().filter(|a| !a.starts_with("--")).collect();
    filters.is_empty() || filters.iter().any(|f| name.contains(f.as_str()))
}
