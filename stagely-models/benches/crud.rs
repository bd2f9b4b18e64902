//! Generated CRUD against hand-written sqlx running the very same SQL.
//!
//! The hand-written side binds the generated `teams::sql::*` statements itself and decodes
//! into its own `#[derive(sqlx::FromRow)]` struct, the way code written without the generator
//! would, so the two differ only in the generated layer (binding, decoding, error mapping).
//! Both run on one connection to a scratch database on 127.0.0.1; the ratio should be ~1.00.
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
    // Fresh statistics, as autovacuum would have on a live table, so lookups plan as they would.
    sqlx::query("ANALYZE teams")
        .execute(&mut *conn)
        .await
        .expect("analyze teams");
    seeded
}

fn crud(c: &mut Criterion) {
    let rt = runtime();
    let (_db, mut conn) = rt.block_on(common::migrated_database("bench_crud"));
    let conn = &mut conn;
    let pick = |i: u64| (i as usize) % ROWS;

    let mut group = c.benchmark_group("crud_insert");
    // Inserts grow the table; start each side from the same size.
    rt.block_on(reset(conn));
    group.bench_function("generated", |b| {
        b.iter_custom(|iters| {
            timed(&rt, conn, iters, async |conn, i| {
                // Unique across criterion's repeated calls, which each count `i` from 0.
                let new = NewTeam::new(format!("g-{i}-{}", uuid::Uuid::new_v4().simple()), "Bench");
                black_box(Team::insert(conn, &new).await.expect("insert"));
            })
        })
    });
    rt.block_on(reset(conn));
    group.bench_function("handwritten", |b| {
        b.iter_custom(|iters| {
            timed(&rt, conn, iters, async |conn, i| {
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
            })
        })
    });
    group.finish();

    // The reads and updates work on the seeded rows.
    let seeded = rt.block_on(reset(conn));
    let ids: Vec<uuid::Uuid> = seeded.iter().map(|t| t.id).collect();
    let slugs: Vec<String> = seeded.iter().map(|t| t.slug.clone()).collect();

    let mut group = c.benchmark_group("crud_find");
    group.bench_function("generated", |b| {
        b.iter_custom(|iters| {
            timed(&rt, conn, iters, async |conn, i| {
                black_box(Team::find(conn, ids[pick(i)]).await.expect("find"));
            })
        })
    });
    group.bench_function("handwritten", |b| {
        b.iter_custom(|iters| {
            timed(&rt, conn, iters, async |conn, i| {
                let row: Option<HandTeam> = sqlx::query_as(teams::sql::FIND)
                    .bind(ids[pick(i)])
                    .fetch_optional(conn)
                    .await
                    .expect("find");
                black_box(row);
            })
        })
    });
    group.finish();

    let mut group = c.benchmark_group("crud_find_by_slug");
    group.bench_function("generated", |b| {
        b.iter_custom(|iters| {
            timed(&rt, conn, iters, async |conn, i| {
                black_box(
                    Team::find_by_slug(conn, &slugs[pick(i)])
                        .await
                        .expect("find_by_slug"),
                );
            })
        })
    });
    group.bench_function("handwritten", |b| {
        b.iter_custom(|iters| {
            timed(&rt, conn, iters, async |conn, i| {
                let row: Option<HandTeam> = sqlx::query_as(teams::sql::FIND_BY_SLUG)
                    .bind(&slugs[pick(i)])
                    .fetch_optional(conn)
                    .await
                    .expect("find_by_slug");
                black_box(row);
            })
        })
    });
    group.finish();

    let mut group = c.benchmark_group("crud_update");
    group.bench_function("generated", |b| {
        b.iter_custom(|iters| {
            timed(&rt, conn, iters, async |conn, i| {
                let team = &seeded[pick(i)];
                black_box(team.update(conn).await.expect("update"));
            })
        })
    });
    group.bench_function("handwritten", |b| {
        b.iter_custom(|iters| {
            timed(&rt, conn, iters, async |conn, i| {
                let team = &seeded[pick(i)];
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
            })
        })
    });
    group.finish();
}

fn config() -> Criterion {
    // One round trip is ~100 us: 3 s of samples is thousands of calls per sample set, and the
    // short warm-up keeps `make bench` well inside its time budget.
    Criterion::default()
        .sample_size(30)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
}

criterion_group! {
    name = benches;
    config = config();
    targets = crud
}
criterion_main!(benches);
