-- +migrate Up
CREATE TABLE IF NOT EXISTS workflow_runs (
    id               UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    environment_id   UUID NOT NULL REFERENCES environments (id) ON DELETE CASCADE,
    trigger          VARCHAR(50) NOT NULL,
    triggered_by     UUID REFERENCES users (id) ON DELETE SET NULL,
    status           VARCHAR(20) NOT NULL DEFAULT 'pending',
    started_at       TIMESTAMPTZ,
    completed_at     TIMESTAMPTZ,
    duration_seconds INTEGER,
    result           VARCHAR(20),
    error_message    TEXT,
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT valid_trigger CHECK (trigger IN ('pr_opened', 'pr_synchronized', 'manual_rebuild', 'secret_updated')),
    CONSTRAINT valid_status CHECK (status IN ('pending', 'building', 'deploying', 'testing', 'completed', 'failed', 'cancelled')),
    -- A CHECK passes on NULL, so a run without a result yet is allowed.
    CONSTRAINT valid_result CHECK (result IN ('success', 'failure', 'cancelled'))
);

CREATE INDEX IF NOT EXISTS idx_workflow_runs_environment_id ON workflow_runs (environment_id);
CREATE INDEX IF NOT EXISTS idx_workflow_runs_status ON workflow_runs (status);
CREATE INDEX IF NOT EXISTS idx_workflow_runs_created_at ON workflow_runs (created_at DESC);

COMMENT ON TABLE workflow_runs IS 'One run of the build -> deploy -> test pipeline for an environment.';
COMMENT ON COLUMN workflow_runs.trigger IS 'What started the run: pr_opened, pr_synchronized, manual_rebuild or secret_updated.';
COMMENT ON COLUMN workflow_runs.triggered_by IS 'User who started the run; NULL for webhooks or after the user is deleted.';
COMMENT ON COLUMN workflow_runs.result IS 'Outcome once finished: success, failure or cancelled; NULL while running.';

-- +migrate Down
DROP TABLE IF EXISTS workflow_runs;
