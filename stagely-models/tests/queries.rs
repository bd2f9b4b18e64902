//! Stagely's typed queries (`schema/queries/*.sql`, generated into `stagely_models::queries`)
//! against a real PostgreSQL.

mod common;

use chrono::Duration;
use common::{at, migrated_database, project, team};
use rust_decimal::Decimal;
use sqlx::PgPool;
use sqlx::postgres::types::PgInterval;
use stagely_models::queries::{access, builds, environments};
use stagely_models::*;

async fn environment(
    pool: &PgPool,
    project: &Project,
    hash: &str,
    status: EnvironmentStatus,
    heartbeat: Option<chrono::DateTime<chrono::Utc>>,
) -> Environment {
    let mut new = NewEnvironment::new(project.id, "main", "c0ffee", hash);
    new.status = Some(status);
    new.last_heartbeat_at = heartbeat;
    new.estimated_cost_usd = Some(Decimal::new(125, 2));
    Environment::insert(pool, &new).await.unwrap()
}

async fn build_job(pool: &PgPool, environment: &Environment, name: &str, queued_at: i64) -> BuildJob {
    let run = WorkflowRun::insert(pool, &NewWorkflowRun::new(environment.id, Trigger::PrOpened))
        .await
        .unwrap();
    let mut new = NewBuildJob::new(run.id, name, Architecture::Amd64);
    new.queued_at = Some(at(queued_at));
    BuildJob::insert(pool, &new).await.unwrap()
}

#[tokio::test]
async fn environments_of_a_project_by_status_heartbeat_count_and_cost() {
    let db = migrated_database().await;
    let pool = db.pool();
    let acme = team(pool, "acme").await;
    let idle = team(pool, "idle").await;
    let web = project(pool, &acme, "web").await;
    let api = project(pool, &acme, "api").await;
    let now = chrono::Utc::now();
    let fresh = environment(pool, &web, "fresh", EnvironmentStatus::Ready, Some(now)).await;
    let silent = environment(pool, &web, "silent", EnvironmentStatus::Ready, None).await;
    let old = environment(
        pool,
        &web,
        "old",
        EnvironmentStatus::Ready,
        Some(now - Duration::hours(1)),
    )
    .await;
    environment(pool, &web, "building", EnvironmentStatus::Building, None).await;

    // ReadyEnvironments returns the table's own rows.
    let ready: Vec<Environment> = environments::ready_environments(pool, web.id).await.unwrap();
    let mut ids: Vec<_> = ready.iter().map(|e| e.id).collect();
    ids.sort();
    let mut expected = vec![fresh.id, silent.id, old.id];
    expected.sort();
    assert_eq!(ids, expected);
    assert!(ready.iter().all(|e| e.status == EnvironmentStatus::Ready));

    // StaleEnvironments: never heard from first, then the oldest heartbeat.
    let ten_minutes = PgInterval {
        months: 0,
        days: 0,
        microseconds: 10 * 60 * 1_000_000,
    };
    let stale = environments::stale_environments(pool, ten_minutes).await.unwrap();
    assert_eq!(
        stale.iter().map(|s| s.id).collect::<Vec<_>>(),
        [silent.id, old.id]
    );
    assert_eq!(stale[0].last_heartbeat_at, None);
    assert_eq!(stale[1].subdomain_hash, "old");

    // EnvironmentCountsByStatus: a project without environments has a row with no status.
    let counts = environments::environment_counts_by_status(pool, acme.id)
        .await
        .unwrap();
    let shown: Vec<(String, Option<String>, i64)> = counts
        .iter()
        .map(|c| (c.slug.clone(), c.status.clone(), c.environments))
        .collect();
    assert_eq!(
        shown,
        [
            ("api".to_string(), None, 0),
            ("web".to_string(), Some("building".to_string()), 1),
            ("web".to_string(), Some("ready".to_string()), 3),
        ]
    );
    assert_eq!(counts[0].project_id, api.id);

    // TeamCostTotals: a team without environments totals zero, not NULL.
    let totals = environments::team_cost_totals(pool).await.unwrap();
    let shown: Vec<(String, Decimal, i64)> = totals
        .iter()
        .map(|t| (t.slug.clone(), t.total_cost_usd, t.environments))
        .collect();
    assert_eq!(
        shown,
        [
            ("acme".to_string(), Decimal::new(500, 2), 4),
            ("idle".to_string(), Decimal::ZERO, 0)
        ]
    );
    assert_eq!(totals[1].team_id, idle.id);
}

#[tokio::test]
async fn build_queue_is_claimed_oldest_first_once_and_logs_page_by_seq() {
    let db = migrated_database().await;
    let pool = db.pool();
    let acme = team(pool, "acme").await;
    let web = project(pool, &acme, "web").await;
    let env = environment(pool, &web, "env", EnvironmentStatus::Building, None).await;
    let second = build_job(pool, &env, "second", 20).await;
    let first = build_job(pool, &env, "first", 10).await;

    let queued = builds::queued_build_jobs(pool, 10).await.unwrap();
    assert_eq!(
        queued.iter().map(|j| j.id).collect::<Vec<_>>(),
        [first.id, second.id]
    );
    assert_eq!(builds::queued_build_jobs(pool, 1).await.unwrap().len(), 1);

    // Two builders claim at once, each in its own transaction: each gets a different job.
    let mut a = pool.begin().await.unwrap();
    let mut b = pool.begin().await.unwrap();
    let claimed_a = builds::claim_queued_build_job(&mut *a, "vm-a".into())
        .await
        .unwrap()
        .unwrap();
    let claimed_b = builds::claim_queued_build_job(&mut *b, "vm-b".into())
        .await
        .unwrap()
        .unwrap();
    a.commit().await.unwrap();
    b.commit().await.unwrap();
    assert_eq!(claimed_a.id, first.id, "oldest first");
    assert_eq!(claimed_b.id, second.id, "the locked row is skipped");
    assert_eq!(claimed_a.status, BuildJobStatus::Provisioning);
    assert_eq!(claimed_a.vm_id.as_deref(), Some("vm-a"));
    assert!(
        builds::claim_queued_build_job(pool, "vm-c".into())
            .await
            .unwrap()
            .is_none()
    );

    let lines: Vec<NewBuildLog> = (0..5)
        .map(|i| NewBuildLog::new(first.id, Stream::Stdout, format!("line {i}")))
        .collect();
    BuildLog::insert_many(pool, &lines).await.unwrap();
    let page = builds::logs_after(pool, first.id, 0, 2).await.unwrap();
    assert_eq!(
        page.iter().map(|l| l.line.as_str()).collect::<Vec<_>>(),
        ["line 0", "line 1"]
    );
    let next = builds::logs_after(pool, first.id, page[1].seq, 10).await.unwrap();
    assert_eq!(
        next.iter().map(|l| l.line.as_str()).collect::<Vec<_>>(),
        ["line 2", "line 3", "line 4"]
    );
    assert_eq!(next[0].stream, "stdout");
}

#[tokio::test]
async fn secrets_audit_trail_and_agent_upsert() {
    let db = migrated_database().await;
    let pool = db.pool();
    let acme = team(pool, "acme").await;
    let web = project(pool, &acme, "web").await;
    let env = environment(pool, &web, "env", EnvironmentStatus::Ready, None).await;

    // Secrets for a scope: global ones, overridden by the scope's own.
    for (key, scope) in [("A", "global"), ("B", "global"), ("B", "pr-7"), ("C", "pr-8")] {
        let mut new = NewSecret::new(web.id, key, format!("{key}@{scope}"));
        new.scope = Some(scope.into());
        Secret::insert(pool, &new).await.unwrap();
    }
    let seen = access::secrets_for_scope(pool, web.id, "pr-7".into())
        .await
        .unwrap();
    let shown: Vec<(&str, &str)> = seen.iter().map(|s| (s.key.as_str(), s.scope.as_str())).collect();
    assert_eq!(shown, [("A", "global"), ("B", "pr-7")]);

    // The audit trail, newest first, a page at a time by (timestamp, id).
    for i in 0..5 {
        let mut new = NewAuditLog::new(format!("action {i}"), ResourceType::Project);
        new.team_id = Some(acme.id);
        new.timestamp = Some(at(i));
        AuditLog::insert(pool, &new).await.unwrap();
    }
    let mut params = access::TeamAuditTrailParams {
        team_id: acme.id,
        before_timestamp: None,
        before_id: None,
        page_size: 2,
    };
    let mut actions = Vec::new();
    loop {
        let page = access::team_audit_trail(pool, &params).await.unwrap();
        let Some(last) = page.last() else { break };
        params.before_timestamp = Some(last.timestamp);
        params.before_id = Some(last.id);
        actions.extend(page.iter().map(|e| e.action.clone()));
    }
    assert_eq!(
        actions,
        ["action 4", "action 3", "action 2", "action 1", "action 0"]
    );

    // The agent upsert: a new connection, then the same agent_id connecting again.
    let mut upsert = access::UpsertAgentConnectionParams {
        environment_id: env.id,
        agent_id: "agent-1".into(),
        token_hash: "a".repeat(64),
        ip_address: Some("10.0.0.1/32".parse().unwrap()),
        agent_version: None,
    };
    let first: AgentConnection = access::upsert_agent_connection(pool, &upsert)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(first.agent_version, None);
    AgentConnection::find(pool, first.id).await.unwrap().unwrap();
    sqlx::query("UPDATE agent_connections SET status = 'disconnected', disconnected_at = now()")
        .execute(pool)
        .await
        .unwrap();
    upsert.token_hash = "b".repeat(64);
    upsert.agent_version = Some("1.2.0".into());
    let again = access::upsert_agent_connection(pool, &upsert)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(again.id, first.id, "the same connection row");
    assert_eq!(again.token_hash, "b".repeat(64));
    assert_eq!(again.agent_version.as_deref(), Some("1.2.0"));
    assert_eq!(again.disconnected_at, None);
    assert_eq!(AgentConnection::count(pool).await.unwrap(), 1);
}
