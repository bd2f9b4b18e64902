-- +migrate Up
-- Foreign keys here SET NULL rather than cascade: the trail must survive the deletion of what it describes.
CREATE TABLE IF NOT EXISTS audit_logs (
    id            UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    actor_id      UUID REFERENCES users (id) ON DELETE SET NULL,
    actor_email   VARCHAR(255),
    actor_ip      INET,
    action        VARCHAR(100) NOT NULL,
    resource_type VARCHAR(50) NOT NULL,
    resource_id   UUID,
    team_id       UUID REFERENCES teams (id) ON DELETE SET NULL,
    project_id    UUID REFERENCES projects (id) ON DELETE SET NULL,
    metadata      JSONB,
    timestamp     TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT valid_resource_type CHECK (resource_type IN ('team', 'project', 'environment', 'secret', 'user', 'workflow_run', 'cloud_provider'))
);

CREATE INDEX IF NOT EXISTS idx_audit_logs_actor_id ON audit_logs (actor_id);
CREATE INDEX IF NOT EXISTS idx_audit_logs_resource ON audit_logs (resource_type, resource_id);
CREATE INDEX IF NOT EXISTS idx_audit_logs_team_id ON audit_logs (team_id);
CREATE INDEX IF NOT EXISTS idx_audit_logs_timestamp ON audit_logs (timestamp DESC);

COMMENT ON TABLE audit_logs IS 'Compliance trail of who did what; rows survive the deletion of what they describe.';
COMMENT ON COLUMN audit_logs.actor_email IS 'Email of the actor when the action happened, kept after the user is deleted.';
COMMENT ON COLUMN audit_logs.action IS 'What happened, as resource.verb, such as secret.created.';
COMMENT ON COLUMN audit_logs.resource_type IS 'Kind of object acted on.';
COMMENT ON COLUMN audit_logs.resource_id IS 'Id of the object acted on, in the table resource_type names.';
COMMENT ON COLUMN audit_logs.metadata IS 'Action-specific details, never secret values.';

-- +migrate Down
DROP TABLE IF EXISTS audit_logs;
