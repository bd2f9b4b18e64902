//! The generated data access against a real PostgreSQL: CRUD, soft delete, typed constraint
//! errors, cascades, relation helpers, preloading, batch insert and index use.

mod common;

use common::{migrated_database, project, team};
use sqlx::{PgPool, Row};
use stagely_models::*;

async fn user(pool: &PgPool, email: &str) -> User {
    User::insert(pool, &NewUser::new(email, "Someone")).await.unwrap()
}

async fn environment(pool: &PgPool, project: &Project, hash: &str) -> Environment {
    Environment::insert(pool, &NewEnvironment::new(project.id, "main", "c0ffee", hash))
        .await
        .unwrap()
}

#[tokio::test]
async fn team_crud_with_soft_delete() {
    let db = migrated_database().await;
    let pool = db.pool();

    let created = team(pool, "acme").await;
    assert_eq!(
        created.billing_plan,
        BillingPlan::Free,
        "database default applies when None"
    );
    assert_eq!(created.max_concurrent_environments, 5);
    assert_eq!(created.deleted_at, None);
    assert_eq!(Team::find(pool, created.id).await.unwrap(), Some(created.clone()));
    assert_eq!(
        Team::find_by_slug(pool, "acme").await.unwrap(),
        Some(created.clone())
    );

    let mut changed = created.clone();
    changed.name = "Acme Inc".into();
    changed.billing_plan = BillingPlan::Pro;
    let updated = changed.update(pool).await.unwrap();
    assert_eq!(updated.name, "Acme Inc");
    assert_eq!(updated.billing_plan, BillingPlan::Pro);
    assert!(
        updated.updated_at > created.updated_at,
        "the trigger refreshed updated_at"
    );

    Team::delete(pool, created.id).await.unwrap();
    let deleted = Team::find_with_deleted(pool, created.id).await.unwrap().unwrap();
    assert!(deleted.deleted_at.is_some(), "delete sets deleted_at");
    assert_eq!(
        Team::find(pool, created.id).await.unwrap(),
        None,
        "reads skip the deleted row"
    );
    assert_eq!(Team::find_by_slug(pool, "acme").await.unwrap(), None);
    assert_eq!(Team::count(pool).await.unwrap(), 0);
    assert!(Team::list(pool, 10, 0).await.unwrap().is_empty());
    assert!(matches!(
        Team::delete(pool, created.id).await,
        Err(Error::NotFound { table: "teams" })
    ));

    Team::restore(pool, created.id).await.unwrap();
    let restored = Team::find(pool, created.id).await.unwrap().unwrap();
    assert_eq!(restored.deleted_at, None);
    assert_eq!(Team::count(pool).await.unwrap(), 1);

    Team::hard_delete(pool, created.id).await.unwrap();
    assert_eq!(Team::find_with_deleted(pool, created.id).await.unwrap(), None);
    assert!(matches!(
        Team::restore(pool, created.id).await,
        Err(Error::NotFound { .. })
    ));
}

#[tokio::test]
async fn list_pages_in_primary_key_order() {
    let db = migrated_database().await;
    let pool = db.pool();
    let mut ids = Vec::new();
    for i in 0..5 {
        ids.push(team(pool, &format!("team-{i}")).await.id);
    }
    ids.sort();
    let first: Vec<_> = Team::list(pool, 3, 0)
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.id)
        .collect();
    let rest: Vec<_> = Team::list(pool, 3, 3)
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.id)
        .collect();
    assert_eq!(first, ids[..3]);
    assert_eq!(rest, ids[3..]);
}

#[tokio::test]
async fn duplicates_are_named_unique_violations() {
    let db = migrated_database().await;
    let pool = db.pool();
    team(pool, "acme").await;
    match Team::insert(pool, &NewTeam::new("acme", "Other")).await {
        Err(Error::UniqueViolation {
            constraint,
            table,
            columns,
            ..
        }) => {
            assert_eq!(constraint, "teams_slug_key");
            assert_eq!(table, "teams");
            assert_eq!(columns, ["slug"]);
        }
        other => panic!("expected a unique violation, got {other:?}"),
    }
    user(pool, "ada@acme.test").await;
    let err = User::insert(pool, &NewUser::new("ada@acme.test", "Ada"))
        .await
        .unwrap_err();
    assert_eq!(err.constraint(), Some("users_email_key"));
    assert!(err.to_string().contains("(email)"), "{err}");
}

#[tokio::test]
async fn other_constraint_violations_are_named_too() {
    let db = migrated_database().await;
    let pool = db.pool();
    let missing_team = NewProject::new(uuid::Uuid::nil(), "web", "Web", "https://git.test/web");
    match Project::insert(pool, &missing_team).await {
        Err(Error::ForeignKeyViolation {
            constraint, columns, ..
        }) => {
            assert_eq!(constraint, "projects_team_id_fkey");
            assert_eq!(columns, ["team_id"]);
        }
        other => panic!("expected a foreign key violation, got {other:?}"),
    }
    match Team::insert(pool, &NewTeam::new("Not A Slug!", "x")).await {
        Err(Error::CheckViolation {
            constraint,
            table,
            columns,
            ..
        }) => {
            assert_eq!(constraint, "valid_slug");
            assert_eq!(table, "teams");
            assert_eq!(columns, ["slug"]);
        }
        other => panic!("expected a check violation, got {other:?}"),
    }
    let raw = sqlx::query("INSERT INTO teams (slug, name) VALUES ('ok', NULL)")
        .execute(pool)
        .await
        .unwrap_err();
    match Error::from(raw) {
        Error::NotNullViolation { table, column, .. } => {
            assert_eq!((table.as_str(), column.as_str()), ("teams", "name"))
        }
        other => panic!("expected a not-null violation, got {other:?}"),
    }
}

#[tokio::test]
async fn membership_reads_from_both_sides() {
    let db = migrated_database().await;
    let pool = db.pool();
    let acme = team(pool, "acme").await;
    let globex = team(pool, "globex").await;
    let ada = user(pool, "ada@acme.test").await;
    let bob = user(pool, "bob@acme.test").await;
    let mut owner = NewTeamMember::new(acme.id, ada.id);
    owner.role = Some(Role::Owner);
    let membership = TeamMember::insert(pool, &owner).await.unwrap();
    TeamMember::insert(pool, &NewTeamMember::new(acme.id, bob.id))
        .await
        .unwrap();
    TeamMember::insert(pool, &NewTeamMember::new(globex.id, ada.id))
        .await
        .unwrap();

    let mut acme_users: Vec<_> = acme
        .users(pool)
        .await
        .unwrap()
        .into_iter()
        .map(|u| u.email)
        .collect();
    acme_users.sort();
    assert_eq!(acme_users, ["ada@acme.test", "bob@acme.test"]);
    let mut ada_teams: Vec<_> = ada
        .teams(pool)
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.slug)
        .collect();
    ada_teams.sort();
    assert_eq!(ada_teams, ["acme", "globex"]);
    assert_eq!(bob.teams(pool).await.unwrap(), vec![acme.clone()]);

    assert_eq!(membership.role, Role::Owner);
    assert_eq!(membership.team(pool).await.unwrap(), acme);
    assert_eq!(membership.user(pool).await.unwrap(), ada);
    assert_eq!(acme.team_members(pool).await.unwrap().len(), 2);
    assert_eq!(ada.team_members(pool).await.unwrap().len(), 2);
    assert_eq!(
        TeamMember::find_by_team_id_and_user_id(pool, acme.id, ada.id)
            .await
            .unwrap(),
        Some(membership)
    );

    // A soft-deleted team drops out of its members' team lists.
    Team::delete(pool, globex.id).await.unwrap();
    assert_eq!(ada.teams(pool).await.unwrap(), vec![acme]);
}

#[tokio::test]
async fn project_with_a_cloud_provider() {
    let db = migrated_database().await;
    let pool = db.pool();
    let acme = team(pool, "acme").await;
    let provider = CloudProvider::insert(
        pool,
        &NewCloudProvider::new(acme.id, "prod", ProviderType::Aws, "ZW5j"),
    )
    .await
    .unwrap();
    let mut new = NewProject::new(acme.id, "web", "Web", "https://git.test/web");
    new.cloud_provider_id = Some(provider.id);
    let web = Project::insert(pool, &new).await.unwrap();

    assert_eq!(web.cloud_provider(pool).await.unwrap(), Some(provider.clone()));
    assert_eq!(web.team(pool).await.unwrap(), acme);
    assert_eq!(provider.projects(pool).await.unwrap(), vec![web.clone()]);
    assert_eq!(provider.team(pool).await.unwrap(), acme);
    assert_eq!(acme.cloud_providers(pool).await.unwrap(), vec![provider.clone()]);
    assert_eq!(acme.projects(pool).await.unwrap(), vec![web.clone()]);
    assert_eq!(
        Project::find_by_team_id_and_slug(pool, acme.id, "web")
            .await
            .unwrap(),
        Some(web.clone())
    );
    assert!(
        !format!("{provider:?}").contains("ZW5j"),
        "credentials are redacted in Debug"
    );

    let unassigned = project(pool, &acme, "docs").await;
    assert_eq!(unassigned.cloud_provider(pool).await.unwrap(), None);
}

#[tokio::test]
async fn deleting_a_cloud_provider_unsets_it_on_projects() {
    let db = migrated_database().await;
    let pool = db.pool();
    let acme = team(pool, "acme").await;
    let provider = CloudProvider::insert(
        pool,
        &NewCloudProvider::new(acme.id, "prod", ProviderType::Gcp, "x"),
    )
    .await
    .unwrap();
    let mut new = NewProject::new(acme.id, "web", "Web", "https://git.test/web");
    new.cloud_provider_id = Some(provider.id);
    let web = Project::insert(pool, &new).await.unwrap();

    CloudProvider::delete(pool, provider.id).await.unwrap();
    let reloaded = Project::find(pool, web.id).await.unwrap().unwrap();
    assert_eq!(reloaded.cloud_provider_id, None);
    assert!(matches!(
        CloudProvider::delete(pool, provider.id).await,
        Err(Error::NotFound { .. })
    ));
}

#[tokio::test]
async fn deleting_an_environment_cascades_to_its_pipeline() {
    let db = migrated_database().await;
    let pool = db.pool();
    let acme = team(pool, "acme").await;
    let web = project(pool, &acme, "web").await;
    let env = environment(pool, &web, "aaaaaaaaaaaa").await;
    let run = WorkflowRun::insert(pool, &NewWorkflowRun::new(env.id, Trigger::PrOpened))
        .await
        .unwrap();
    let job = BuildJob::insert(pool, &NewBuildJob::new(run.id, "api", Architecture::Amd64))
        .await
        .unwrap();
    BuildLog::insert_many(
        pool,
        &[
            NewBuildLog::new(job.id, Stream::Stdout, "one"),
            NewBuildLog::new(job.id, Stream::Stdout, "two"),
        ],
    )
    .await
    .unwrap();
    AgentConnection::insert(pool, &NewAgentConnection::new(env.id, "agent-1", "ab"))
        .await
        .unwrap();

    Environment::delete(pool, env.id).await.unwrap();
    assert_eq!(WorkflowRun::count(pool).await.unwrap(), 0);
    assert_eq!(BuildJob::count(pool).await.unwrap(), 0);
    assert_eq!(BuildLog::count(pool).await.unwrap(), 0);
    assert_eq!(AgentConnection::count(pool).await.unwrap(), 0);
    assert_eq!(Project::count(pool).await.unwrap(), 1, "the parent stays");
}

#[tokio::test]
async fn every_relation_helper_returns_the_right_rows() {
    let db = migrated_database().await;
    let pool = db.pool();
    let acme = team(pool, "acme").await;
    let other = team(pool, "other").await;
    let ada = user(pool, "ada@acme.test").await;
    let provider = CloudProvider::insert(
        pool,
        &NewCloudProvider::new(acme.id, "prod", ProviderType::Linode, "x"),
    )
    .await
    .unwrap();
    let web = project(pool, &acme, "web").await;
    project(pool, &other, "noise").await;
    let env = environment(pool, &web, "aaaaaaaaaaaa").await;
    let mut new_run = NewWorkflowRun::new(env.id, Trigger::ManualRebuild);
    new_run.triggered_by = Some(ada.id);
    let run = WorkflowRun::insert(pool, &new_run).await.unwrap();
    let mut new_job = NewBuildJob::new(run.id, "api", Architecture::Multi);
    new_job.cloud_provider_id = Some(provider.id);
    let job = BuildJob::insert(pool, &new_job).await.unwrap();
    let log = BuildLog::insert(pool, &NewBuildLog::new(job.id, Stream::Stderr, "boom"))
        .await
        .unwrap();
    let mut new_secret = NewSecret::new(web.id, "API_KEY", "ZW5j");
    new_secret.created_by = Some(ada.id);
    let secret = Secret::insert(pool, &new_secret).await.unwrap();
    let mut new_audit = NewAuditLog::new("secret.created", ResourceType::Secret);
    new_audit.actor_id = Some(ada.id);
    new_audit.team_id = Some(acme.id);
    new_audit.project_id = Some(web.id);
    let audit = AuditLog::insert(pool, &new_audit).await.unwrap();
    let agent = AgentConnection::insert(pool, &NewAgentConnection::new(env.id, "agent-1", "ab"))
        .await
        .unwrap();

    // belongs-to
    assert_eq!(web.team(pool).await.unwrap(), acme);
    assert_eq!(env.project(pool).await.unwrap(), web);
    assert_eq!(run.environment(pool).await.unwrap(), env);
    assert_eq!(run.triggered_by(pool).await.unwrap(), Some(ada.clone()));
    assert_eq!(job.workflow_run(pool).await.unwrap(), run);
    assert_eq!(job.cloud_provider(pool).await.unwrap(), Some(provider.clone()));
    assert_eq!(log.build_job(pool).await.unwrap(), job);
    assert_eq!(secret.project(pool).await.unwrap(), web);
    assert_eq!(secret.created_by(pool).await.unwrap(), Some(ada.clone()));
    assert_eq!(audit.actor(pool).await.unwrap(), Some(ada.clone()));
    assert_eq!(audit.team(pool).await.unwrap(), Some(acme.clone()));
    assert_eq!(audit.project(pool).await.unwrap(), Some(web.clone()));
    assert_eq!(agent.environment(pool).await.unwrap(), env);
    assert_eq!(provider.team(pool).await.unwrap(), acme);

    // has-many
    assert_eq!(acme.projects(pool).await.unwrap(), vec![web.clone()]);
    assert_eq!(acme.audit_logs(pool).await.unwrap(), vec![audit.clone()]);
    assert_eq!(web.environments(pool).await.unwrap(), vec![env.clone()]);
    assert_eq!(web.secrets(pool).await.unwrap(), vec![secret.clone()]);
    assert_eq!(web.audit_logs(pool).await.unwrap(), vec![audit.clone()]);
    assert_eq!(env.workflow_runs(pool).await.unwrap(), vec![run.clone()]);
    assert_eq!(env.agent_connections(pool).await.unwrap(), vec![agent]);
    assert_eq!(run.build_jobs(pool).await.unwrap(), vec![job.clone()]);
    assert_eq!(job.build_logs(pool).await.unwrap(), vec![log]);
    assert_eq!(provider.build_jobs(pool).await.unwrap(), vec![job]);
    assert_eq!(ada.workflow_runs(pool).await.unwrap(), vec![run]);
    assert_eq!(ada.secrets(pool).await.unwrap(), vec![secret]);
    assert_eq!(ada.audit_logs(pool).await.unwrap(), vec![audit]);
    assert!(other.cloud_providers(pool).await.unwrap().is_empty());
}

/// Index and sequential scans of `table` so far in the current transaction.
async fn scans(conn: &mut sqlx::PgConnection, table: &str) -> i64 {
    sqlx::query("SELECT coalesce(seq_scan, 0) + coalesce(idx_scan, 0) FROM pg_stat_xact_user_tables WHERE relname = $1")
        .bind(table)
        .fetch_one(conn)
        .await
        .unwrap()
        .get(0)
}

#[tokio::test]
async fn preloading_reads_all_children_in_one_query() {
    let db = migrated_database().await;
    let pool = db.pool();
    let mut teams = Vec::new();
    for i in 0..5 {
        let t = team(pool, &format!("team-{i}")).await;
        for j in 0..i {
            project(pool, &t, &format!("p-{i}-{j}")).await;
        }
        teams.push(t);
    }
    let mut tx = pool.begin().await.unwrap();
    let before = scans(&mut tx, "projects").await;
    let projects = Team::preload_projects(&mut *tx, &teams).await.unwrap();
    assert_eq!(
        scans(&mut tx, "projects").await - before,
        1,
        "one scan of projects for five teams"
    );
    assert_eq!(projects.iter().map(Vec::len).collect::<Vec<_>>(), [0, 1, 2, 3, 4]);
    for (team, children) in teams.iter().zip(&projects) {
        assert_eq!(children, &team.projects(&mut *tx).await.unwrap());
    }

    let ada = user(pool, "ada@acme.test").await;
    for t in &teams[1..3] {
        TeamMember::insert(pool, &NewTeamMember::new(t.id, ada.id))
            .await
            .unwrap();
    }
    let mut tx = pool.begin().await.unwrap();
    let before = scans(&mut tx, "team_members").await;
    let users = Team::preload_users(&mut *tx, &teams).await.unwrap();
    assert_eq!(scans(&mut tx, "team_members").await - before, 1);
    assert_eq!(users.iter().map(Vec::len).collect::<Vec<_>>(), [0, 1, 1, 0, 0]);
    assert_eq!(users[1], vec![ada]);
}

#[tokio::test]
async fn insert_many_keeps_the_order_of_ten_thousand_log_lines() {
    let db = migrated_database().await;
    let pool = db.pool();
    let acme = team(pool, "acme").await;
    let web = project(pool, &acme, "web").await;
    let env = environment(pool, &web, "aaaaaaaaaaaa").await;
    let run = WorkflowRun::insert(pool, &NewWorkflowRun::new(env.id, Trigger::PrOpened))
        .await
        .unwrap();
    let job = BuildJob::insert(pool, &NewBuildJob::new(run.id, "api", Architecture::Amd64))
        .await
        .unwrap();
    let lines: Vec<NewBuildLog> = (0..10_000)
        .map(|i| {
            NewBuildLog::new(
                job.id,
                if i % 7 == 0 {
                    Stream::Stderr
                } else {
                    Stream::Stdout
                },
                format!("line {i}"),
            )
        })
        .collect();

    let inserted = BuildLog::insert_many(pool, &lines).await.unwrap();
    assert_eq!(inserted.len(), 10_000);
    let stored: Vec<(String, Stream)> =
        sqlx::query_as("SELECT line, stream FROM build_logs WHERE build_job_id = $1 ORDER BY seq")
            .bind(job.id)
            .fetch_all(pool)
            .await
            .unwrap();
    let expected: Vec<(String, Stream)> = lines.iter().map(|l| (l.line.clone(), l.stream)).collect();
    assert_eq!(stored, expected);
    assert!(
        inserted.windows(2).all(|w| w[0].seq < w[1].seq),
        "returned in insertion order"
    );
    assert!(BuildLog::insert_many(pool, &[]).await.unwrap().is_empty());
}

/// The plan PostgreSQL picks for `sql` with `param`, as text.
async fn plan(pool: &PgPool, sql: &str, param: &str) -> String {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!("EXPLAIN {sql}")))
        .bind(param)
        .fetch_all(pool)
        .await
        .unwrap();
    rows.iter()
        .map(|r| r.get::<String, _>(0))
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test]
async fn unique_lookups_use_an_index_and_unindexed_ones_do_not() {
    let db = migrated_database().await;
    let pool = db.pool();
    // Enough rows, with fresh statistics, that the planner's choice reflects real use.
    let teams: Vec<NewTeam> = (0..2000)
        .map(|i| NewTeam::new(format!("team-{i}"), format!("Team {i}")))
        .collect();
    let teams = Team::insert_many(pool, &teams).await.unwrap();
    let users: Vec<NewUser> = (0..2000)
        .map(|i| NewUser::new(format!("u{i}@acme.test"), "U"))
        .collect();
    User::insert_many(pool, &users).await.unwrap();
    let web = project(pool, &teams[0], "web").await;
    let environments: Vec<NewEnvironment> = (0..2000)
        .map(|i| NewEnvironment::new(web.id, "main", "c0ffee", format!("hash{i:08}")))
        .collect();
    Environment::insert_many(pool, &environments).await.unwrap();
    sqlx::query("ANALYZE").execute(pool).await.unwrap();

    let by_slug = plan(pool, teams::sql::FIND_BY_SLUG, "team-7").await;
    assert!(by_slug.contains("Index Scan using teams_slug_key"), "{by_slug}");
    let by_email = plan(pool, users::sql::FIND_BY_EMAIL, "u7@acme.test").await;
    assert!(
        by_email.contains("Index Scan using users_email_key"),
        "{by_email}"
    );
    let by_hash = plan(pool, environments::sql::FIND_BY_SUBDOMAIN_HASH, "hash00000007").await;
    assert!(
        by_hash.contains("Index Scan using environments_subdomain_hash_key"),
        "{by_hash}"
    );

    let by_name = plan(pool, "SELECT * FROM teams WHERE name = $1", "Team 7").await;
    assert!(by_name.contains("Seq Scan on teams"), "{by_name}");
    assert!(!by_name.contains("Index"), "{by_name}");
}
