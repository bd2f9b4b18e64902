-- +migrate Up
CREATE TABLE IF NOT EXISTS build_jobs (
    id                UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    workflow_run_id   UUID NOT NULL REFERENCES workflow_runs (id) ON DELETE CASCADE,
    name              VARCHAR(100) NOT NULL,
    architecture      VARCHAR(20) NOT NULL,
    context_path      VARCHAR(500),
    dockerfile_path   VARCHAR(500),
    vm_id             VARCHAR(255),
    cloud_provider_id UUID REFERENCES cloud_providers (id) ON DELETE SET NULL,
    machine_size      VARCHAR(20),
    status            VARCHAR(20) NOT NULL DEFAULT 'queued',
    queued_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    started_at        TIMESTAMPTZ,
    completed_at      TIMESTAMPTZ,
    duration_seconds  INTEGER,
    artifact_url      TEXT,
    exit_code         INTEGER,
    error_message     TEXT,
    created_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT valid_architecture CHECK (architecture IN ('amd64', 'arm64', 'multi')),
    CONSTRAINT valid_status CHECK (status IN ('queued', 'provisioning', 'running', 'completed', 'failed', 'cancelled'))
);

CREATE INDEX IF NOT EXISTS idx_build_jobs_workflow_run_id ON build_jobs (workflow_run_id);
CREATE INDEX IF NOT EXISTS idx_build_jobs_status ON build_jobs (status);
-- The scheduler takes the oldest queued job first.
CREATE INDEX IF NOT EXISTS idx_build_jobs_queued_at ON build_jobs (queued_at) WHERE status = 'queued';

COMMENT ON TABLE build_jobs IS 'One container image build within a workflow run, on a build VM.';
COMMENT ON COLUMN build_jobs.name IS 'Service name from stagely.yaml whose image is built.';
COMMENT ON COLUMN build_jobs.architecture IS 'Target CPU architecture: amd64, arm64 or multi.';
COMMENT ON COLUMN build_jobs.cloud_provider_id IS 'Cloud account the build VM ran in; NULL after that account is deleted.';
COMMENT ON COLUMN build_jobs.artifact_url IS 'Registry reference of the built image.';
COMMENT ON COLUMN build_jobs.exit_code IS 'Exit code of the build process once it finished.';

-- +migrate Down
DROP TABLE IF EXISTS build_jobs;
