//! The bulk loads (`copy_many`, `insert_many_count`) and the shared runtime they and the other
//! generated functions call, against PostgreSQL.

mod common;

use common::{migrated_database, project, team};
use sqlx::PgPool;
use stagely_models::error::Error;
use stagely_models::runtime::{affected, group_by_parent};
use stagely_models::{
    Architecture, BuildJob, BuildLog, Environment, NewBuildJob, NewBuildLog, NewEnvironment, NewSecret,
    NewWorkflowRun, Secret, SecretType, Stream, Trigger, WorkflowRun,
};

async fn build_job(pool: &PgPool) -> BuildJob {
    let acme = team(pool, "acme").await;
    let web = project(pool, &acme, "web").await;
    let env = Environment::insert(
        pool,
        &NewEnvironment::new(web.id, "main", "c0ffee", "aaaaaaaaaaaa"),
    )
    .await
    .unwrap();
    let run = WorkflowRun::insert(pool, &NewWorkflowRun::new(env.id, Trigger::PrOpened))
        .await
        .unwrap();
    BuildJob::insert(pool, &NewBuildJob::new(run.id, "api", Architecture::Amd64))
        .await
        .unwrap()
}

/// Lines that text-format COPY would have to escape, and some that are long.
fn awkward_line(i: usize) -> String {
    match i % 5 {
        0 => format!("tab\there {i}"),
        1 => format!("newline\nand \\backslash {i}"),
        2 => format!("ünïcødé ✓ {i}"),
        3 => "x".repeat(3000 + i),
        _ => format!("plain {i}"),
    }
}

#[tokio::test]
async fn copy_many_stores_every_value_and_fills_in_defaults() {
    let db = migrated_database().await;
    let pool = db.pool();
    let job = build_job(pool).await;
    let lines: Vec<NewBuildLog> = (0..3000)
        .map(|i| {
            let stream = if i % 3 == 0 {
                Stream::Stderr
            } else {
                Stream::Stdout
            };
            NewBuildLog::new(job.id, stream, awkward_line(i))
        })
        .collect();

    let mut conn = pool.acquire().await.unwrap();
    assert_eq!(BuildLog::copy_many(&mut conn, &lines).await.unwrap(), 3000);

    let stored = job.build_logs(pool).await.unwrap();
    let mut stored: Vec<_> = stored.into_iter().collect();
    stored.sort_by_key(|l| l.seq);
    let got: Vec<(String, Stream)> = stored.iter().map(|l| (l.line.clone(), l.stream)).collect();
    let expected: Vec<(String, Stream)> = lines.iter().map(|l| (l.line.clone(), l.stream)).collect();
    assert_eq!(got, expected, "every value, in the order given");
    // Left `None`, the id and timestamp took their defaults, as an insert would.
    assert!(stored.iter().all(|l| !l.id.is_nil()));
    let ids: std::collections::HashSet<_> = stored.iter().map(|l| l.id).collect();
    assert_eq!(ids.len(), 3000);
    assert_eq!(BuildLog::copy_many(&mut conn, &[]).await.unwrap(), 0);
}

#[tokio::test]
async fn copy_many_with_rows_setting_different_defaults_copies_each_group_as_given() {
    let db = migrated_database().await;
    let pool = db.pool();
    let acme = team(pool, "acme").await;
    let web = project(pool, &acme, "web").await;
    let chosen = uuid::Uuid::new_v4();
    let mut file = NewSecret::new(web.id, "TLS_KEY", "sealed-1");
    file.id = Some(chosen);
    file.secret_type = Some(SecretType::File);
    file.file_path = Some("/etc/tls.key".into());
    let mut scoped = NewSecret::new(web.id, "TOKEN", "sealed-2");
    scoped.scope = Some("staging".into());
    let plain = NewSecret::new(web.id, "DATABASE_URL", "sealed-3");

    let mut tx = pool.begin().await.unwrap();
    let copied = Secret::copy_many(&mut tx, &[file, scoped, plain]).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(copied, 3);

    let by_key = |key: &str| {
        let key = key.to_string();
        async move {
            sqlx::query_as::<_, (uuid::Uuid, String, SecretType, Option<String>)>(
                "SELECT id, scope, secret_type, file_path FROM secrets WHERE key = $1",
            )
            .bind(key)
            .fetch_one(pool)
            .await
            .unwrap()
        }
    };
    let (id, scope, kind, path) = by_key("TLS_KEY").await;
    assert_eq!(
        (id, scope.as_str(), kind, path.as_deref()),
        (chosen, "global", SecretType::File, Some("/etc/tls.key"))
    );
    let (_, scope, kind, path) = by_key("TOKEN").await;
    assert_eq!((scope.as_str(), kind, path), ("staging", SecretType::Env, None));
    let (_, scope, kind, _) = by_key("DATABASE_URL").await;
    assert_eq!((scope.as_str(), kind), ("global", SecretType::Env));
}

#[tokio::test]
async fn a_copy_the_database_rejects_is_a_typed_error_and_stores_nothing() {
    let db = migrated_database().await;
    let pool = db.pool();
    let job = build_job(pool).await;
    let mut lines: Vec<NewBuildLog> = (0..100)
        .map(|i| NewBuildLog::new(job.id, Stream::Stdout, format!("line {i}")))
        .collect();
    lines[60].build_job_id = uuid::Uuid::new_v4();

    let mut conn = pool.acquire().await.unwrap();
    let error = BuildLog::copy_many(&mut conn, &lines).await.unwrap_err();
    assert!(
        matches!(error, Error::ForeignKeyViolation { ref table, .. } if table == "build_logs"),
        "{error:?}"
    );
    assert_eq!(BuildLog::count(pool).await.unwrap(), 0, "COPY is all or nothing");
    // The connection is usable again afterwards.
    assert_eq!(BuildLog::copy_many(&mut conn, &lines[..10]).await.unwrap(), 10);
}

#[tokio::test]
async fn insert_many_count_inserts_without_sending_rows_back() {
    let db = migrated_database().await;
    let pool = db.pool();
    let job = build_job(pool).await;
    let lines: Vec<NewBuildLog> = (0..500)
        .map(|i| NewBuildLog::new(job.id, Stream::Stdout, awkward_line(i)))
        .collect();
    assert_eq!(BuildLog::insert_many_count(pool, &lines).await.unwrap(), 500);
    assert_eq!(BuildLog::insert_many_count(pool, &[]).await.unwrap(), 0);
    assert_eq!(BuildLog::count(pool).await.unwrap(), 500);
}

#[test]
fn group_by_parent_keeps_the_parents_order_and_drops_orphans() {
    let parents = [3, 1, 2];
    let children = vec![
        (Some(1), "a"),
        (Some(3), "b"),
        (None, "orphan"),
        (Some(1), "c"),
        (Some(9), "stray"),
    ];
    assert_eq!(
        group_by_parent(&parents, children, |p| *p),
        vec![vec!["b"], vec!["a", "c"], vec![]]
    );
}

#[tokio::test]
async fn affected_says_not_found_when_no_row_was_touched() {
    let db = migrated_database().await;
    let pool = db.pool();
    let done = sqlx::query("DELETE FROM teams WHERE false")
        .execute(pool)
        .await
        .unwrap();
    assert!(matches!(
        affected(done, "teams"),
        Err(Error::NotFound { table: "teams" })
    ));
    let acme = team(pool, "acme").await;
    let done = sqlx::query("UPDATE teams SET name = 'Acme' WHERE id = $1")
        .bind(acme.id)
        .execute(pool)
        .await
        .unwrap();
    assert!(affected(done, "teams").is_ok());
}
