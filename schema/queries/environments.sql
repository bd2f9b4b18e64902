-- Queries over preview environments. Each query is headed `-- name: <Name> :<command>`;
-- `make codegen` turns them into functions in stagely_models::queries::environments.

-- name: ReadyEnvironments :many
-- The ready previews of a project, newest first.
SELECT *
FROM environments
WHERE project_id = @project_id AND status = 'ready'
ORDER BY created_at DESC, id;

-- name: StaleEnvironments :many
-- Ready previews whose agent has not sent a heartbeat for `max_silence` (or ever).
SELECT id, project_id, subdomain_hash, last_heartbeat_at
FROM environments
WHERE status = 'ready'
  AND (last_heartbeat_at IS NULL OR last_heartbeat_at < now() - @max_silence::interval)
ORDER BY last_heartbeat_at NULLS FIRST, id;

-- name: EnvironmentCountsByStatus :many
-- How many environments each project of a team has in each status.
SELECT p.id AS project_id, p.slug, e.status, count(e.id) AS environments
FROM projects p
LEFT JOIN environments e ON e.project_id = p.id
WHERE p.team_id = @team_id
GROUP BY p.id, p.slug, e.status
ORDER BY p.slug, e.status;

-- name: TeamCostTotals :many
-- The running cost estimate of each team's live environments, with teams that have none.
SELECT t.id AS team_id, t.slug, coalesce(sum(e.estimated_cost_usd), 0) AS total_cost_usd,
       count(e.id) AS environments
FROM teams t
LEFT JOIN projects p ON p.team_id = t.id
LEFT JOIN environments e ON e.project_id = p.id AND e.terminated_at IS NULL
WHERE t.deleted_at IS NULL
GROUP BY t.id, t.slug
ORDER BY t.slug;
