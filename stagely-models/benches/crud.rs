//! Generated CRUD against hand-written sqlx running the very same SQL.
//!
//! The hand-written side binds the generated `teams::sql::*` statements itself and decodes
//! into its own `#[derive(sqlx::FromRow)]` struct, the way code written without the generator
//! would, so the two differ only in the generated layer (binding, decoding, error mapping).
//! Both run on one connection to a scratch database on 127.0.0.1, with `synchronous_commit`
//! off so writes do not time the disk; the ratio should be ~1.00.
//!
//! Run with `cargo bench -p stagely-models --bench crud` (or `make bench`).

mod common;

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use sqlx::PgConnection;
use stagely_models::{BillingPlan, NewTeam, Team, teams};
use tokio::runtime::Runtime;

/// How many teams the read and update benchmarks cycle through.
const ROWS: usize = 1_000;

/// A `teams` row as someone writing sqlx by hand would declare it.
#[derive(Debug, sqlx::FromRow)]
#[allow(dead_code)] // read only through black_box
struct HandTeam {
    id: uuid::Uuid,
    slug: String,
    name: String,
    billing_email: Option<String>,
    billing_plan: BillingPlan,
    max_concurrent_environments: i32,
    max_concurrent_builds: i32,
    created_at: chrono::DateTime<chrono::Utc>,
    updated_at: chrono::DateTime<chrono::Utc>,
    deleted_at: Option<chrono::DateTime<chrono::Utc>>,
}

fn runtime() -> Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime")
}

/// Times `iters` calls of `op(conn, i)` in one go, so a call costs one round trip and no
/// per-iteration runtime entry.
fn timed<F>(rt: &Runtime, conn: &mut PgConnection, iters: u64, mut op: F) -> Duration
where
    F: AsyncFnMut(&mut PgConnection, u64),
{
    rt.block_on(async {
        let start = Instant::now();
        for i in 0..iters {
            op(conn, i).await;
        }
        start.elapsed()
    })
}

async fn reset(conn: &mut PgConnection) -> Vec<Team> {
    sqlx::query("TRUNCATE teams CASCADE")
        .execute(&mut *conn)
        .await
        .expect("truncate teams");
    let rows: Vec<NewTeam> = (0..ROWS)
        .map(|i| NewTeam::new(format!("seed-{i}"), format!("Seed {i}")))
        .collect();
    let seeded = Team::insert_many(&mut *conn, &rows).await.expect("seed teams");
    // Autovacuum would wake up at some point of the tens of thousands of inserts and land on
    // whichever side is running then.
    sqlx::query("ALTER TABLE teams SET (autovacuum_enabled = off)")
        .execute(&mut *conn)
        .await
        .expect("turn autovacuum off for teams");
    // Fresh statistics, as autovacuum would have on a live table, so lookups plan as they would.
    sqlx::query("ANALYZE teams")
        .execute(&mut *conn)
        .await
        .expect("analyze teams");
    seeded
}

/// What the read and update benchmarks work on: the seeded teams.
struct Fixture {
    teams: Vec<Team>,
    ids: Vec<uuid::Uuid>,
    slugs: Vec<String>,
}

impl Fixture {
    fn pick(&self, i: u64) -> usize {
        (i as usize) % self.teams.len()
    }
}

async fn insert_generated(conn: &mut PgConnection, _: &Fixture, i: u64) {
    // Unique across criterion's repeated calls, which each count `i` from 0.
    let new = NewTeam::new(format!("g-{i}-{}", uuid::Uuid::new_v4().simple()), "Bench");
    black_box(Team::insert(conn, &new).await.expect("insert"));
}

async fn insert_handwritten(conn: &mut PgConnection, _: &Fixture, i: u64) {
    let new = NewTeam::new(format!("h-{i}-{}", uuid::Uuid::new_v4().simple()), "Bench");
    let row: HandTeam = sqlx::query_as(teams::sql::INSERT)
        .bind(new.id)
        .bind(&new.slug)
        .bind(&new.name)
        .bind(&new.billing_email)
        .bind(new.billing_plan)
        .bind(new.max_concurrent_environments)
        .bind(new.max_concurrent_builds)
        .bind(new.created_at)
        .bind(new.updated_at)
        .bind(new.deleted_at)
        .fetch_one(conn)
        .await
        .expect("insert");
    black_box(row);
}

async fn find_generated(conn: &mut PgConnection, fx: &Fixture, i: u64) {
    black_box(Team::find(conn, fx.ids[fx.pick(i)]).await.expect("find"));
}

async fn find_handwritten(conn: &mut PgConnection, fx: &Fixture, i: u64) {
    let row: Option<HandTeam> = sqlx::query_as(teams::sql::FIND)
        .bind(fx.ids[fx.pick(i)])
        .fetch_optional(conn)
        .await
        .expect("find");
    black_box(row);
}

async fn find_by_slug_generated(conn: &mut PgConnection, fx: &Fixture, i: u64) {
    black_box(
        Team::find_by_slug(conn, &fx.slugs[fx.pick(i)])
            .await
            .expect("find_by_slug"),
    );
}

async fn find_by_slug_handwritten(conn: &mut PgConnection, fx: &Fixture, i: u64) {
    let row: Option<HandTeam> = sqlx::query_as(teams::sql::FIND_BY_SLUG)
        .bind(&fx.slugs[fx.pick(i)])
        .fetch_optional(conn)
        .await
        .expect("find_by_slug");
    black_box(row);
}

async fn update_generated(conn: &mut PgConnection, fx: &Fixture, i: u64) {
    let team = &fx.teams[fx.pick(i)];
    black_box(team.update(conn).await.expect("update"));
}

async fn update_handwritten(conn: &mut PgConnection, fx: &Fixture, i: u64) {
    let team = &fx.teams[fx.pick(i)];
    let row: Option<HandTeam> = sqlx::query_as(teams::sql::UPDATE)
        .bind(team.id)
        .bind(&team.slug)
        .bind(&team.name)
        .bind(&team.billing_email)
        .bind(team.billing_plan)
        .bind(team.max_concurrent_environments)
        .bind(team.max_concurrent_builds)
        .bind(team.created_at)
        .bind(team.updated_at)
        .bind(team.deleted_at)
        .fetch_optional(conn)
        .await
        .expect("update");
    black_box(row.expect("the row exists"));
}

/// The order of the runs of each call: ABBA BAAB, so load from other work that comes and goes
/// on a shared machine (or the table's state drifting) falls on both sides alike. The report
/// pools each side's four runs.
const RUNS: [&str; 8] = [
    "generated",
    "handwritten",
    "handwritten_2",
    "generated_2",
    "handwritten_3",
    "generated_3",
    "generated_4",
    "handwritten_4",
];

/// Benchmarks one call both ways, in the order of [`RUNS`].
#[allow(clippy::too_many_arguments)]
fn pair<G, H>(
    c: &mut Criterion,
    rt: &Runtime,
    conn: &mut PgConnection,
    fx: &Fixture,
    call: &str,
    grows_table: bool,
    generated: G,
    handwritten: H,
) where
    G: AsyncFn(&mut PgConnection, &Fixture, u64),
    H: AsyncFn(&mut PgConnection, &Fixture, u64),
{
    let mut group = c.benchmark_group(format!("crud_{call}"));
    for id in RUNS {
        if grows_table {
            // Start every run from the same table size.
            rt.block_on(reset(conn));
        }
        group.bench_function(id, |b| {
            b.iter_custom(|iters| {
                if id.starts_with("generated") {
                    timed(rt, conn, iters, async |conn, i| generated(conn, fx, i).await)
                } else {
                    timed(rt, conn, iters, async |conn, i| handwritten(conn, fx, i).await)
                }
            })
        });
    }
    group.finish();
}

fn crud(c: &mut Criterion) {
    let rt = runtime();
    let (_db, mut conn) = rt.block_on(common::migrated_database("bench_crud"));
    let conn = &mut conn;
    // Commits still happen, but do not wait for the WAL to reach the disk: inserts and updates
    // then measure the code and the server, not the flush latency of a disk other work shares.
    rt.block_on(sqlx::query("SET synchronous_commit = off").execute(&mut *conn))
        .expect("set synchronous_commit");
    let teams = rt.block_on(reset(conn));
    let fx = Fixture {
        ids: teams.iter().map(|t| t.id).collect(),
        slugs: teams.iter().map(|t| t.slug.clone()).collect(),
        teams,
    };

    pair(c, &rt, conn, &fx, "find", false, find_generated, find_handwritten);
    pair(
        c,
        &rt,
        conn,
        &fx,
        "find_by_slug",
        false,
        find_by_slug_generated,
        find_by_slug_handwritten,
    );
    pair(
        c,
        &rt,
        conn,
        &fx,
        "update",
        false,
        update_generated,
        update_handwritten,
    );
    // Last, as it replaces the seeded rows the others use.
    pair(
        c,
        &rt,
        conn,
        &fx,
        "insert",
        true,
        insert_generated,
        insert_handwritten,
    );
}

fn config() -> Criterion {
    // A round trip is tens of microseconds: 1.5 s of samples is over ten thousand calls per
    // run, eight runs per call, and the short warm-up keeps `make bench` in its budget.
    Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_millis(1500))
}

criterion_group! {
    name = benches;
    config = config();
    targets = crud
}
criterion_main!(benches);
