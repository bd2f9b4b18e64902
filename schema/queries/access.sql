-- Secrets, audit trail and agent connections.

-- name: SecretsForScope :many
-- The secrets a project's environment in `scope` sees: the global ones, overridden by those
-- of the scope itself.
SELECT DISTINCT ON (key) id, key, encrypted_value, scope, secret_type, file_path, file_permissions
FROM secrets
WHERE project_id = @project_id AND (scope = 'global' OR scope = @scope)
ORDER BY key, (scope = 'global'), id;

-- name: TeamAuditTrail :many
-- A team's audit trail, newest first, a page at a time: pass the (timestamp, id) of the last
-- entry seen, or NULLs for the first page.
SELECT id, actor_id, actor_email, action, resource_type, resource_id, metadata, timestamp
FROM audit_logs
WHERE team_id = @team_id
  AND (sqlc.narg(before_timestamp)::timestamptz IS NULL
       OR (timestamp, id) < (sqlc.narg(before_timestamp)::timestamptz, sqlc.narg(before_id)::uuid))
ORDER BY timestamp DESC, id DESC
LIMIT @page_size;

-- name: UpsertAgentConnection :one
-- Records an agent connecting (again): a new connection, or the existing one by `agent_id`
-- marked connected with its new token, address and version.
INSERT INTO agent_connections (environment_id, agent_id, token_hash, ip_address, agent_version)
VALUES (@environment_id, @agent_id, @token_hash, sqlc.narg(ip_address), sqlc.narg(agent_version))
ON CONFLICT (agent_id) DO UPDATE
SET environment_id = EXCLUDED.environment_id,
    token_hash = EXCLUDED.token_hash,
    ip_address = EXCLUDED.ip_address,
    agent_version = EXCLUDED.agent_version,
    status = 'connected',
    last_seen_at = now(),
    disconnected_at = NULL
RETURNING *;
