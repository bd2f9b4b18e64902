-- +migrate Up
-- Partial and composite indexes for the control plane's hot queries.
CREATE INDEX IF NOT EXISTS idx_environments_project_status ON environments (project_id, status) WHERE status IN ('ready', 'deploying');
CREATE INDEX IF NOT EXISTS idx_build_jobs_status_queued_at ON build_jobs (status, queued_at) WHERE status = 'queued';
CREATE INDEX IF NOT EXISTS idx_environments_project_pr_live ON environments (project_id, pr_number) WHERE terminated_at IS NULL;
CREATE INDEX IF NOT EXISTS idx_audit_logs_team_timestamp ON audit_logs (team_id, timestamp DESC);
CREATE INDEX IF NOT EXISTS idx_agent_connections_environment_last_seen ON agent_connections (environment_id, last_seen_at) WHERE status = 'connected';

-- +migrate Down
DROP INDEX IF EXISTS idx_agent_connections_environment_last_seen;
DROP INDEX IF EXISTS idx_audit_logs_team_timestamp;
DROP INDEX IF EXISTS idx_environments_project_pr_live;
DROP INDEX IF EXISTS idx_build_jobs_status_queued_at;
DROP INDEX IF EXISTS idx_environments_project_status;
