-- +migrate Up
CREATE TABLE IF NOT EXISTS environments (
    id                 UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    project_id         UUID NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    pr_number          INTEGER,
    branch_name        VARCHAR(255) NOT NULL,
    commit_hash        VARCHAR(40) NOT NULL,
    subdomain_hash     VARCHAR(50) NOT NULL UNIQUE,
    vm_id              VARCHAR(255),
    vm_ip              INET,
    vm_status          VARCHAR(20) NOT NULL DEFAULT 'pending',
    status             VARCHAR(20) NOT NULL DEFAULT 'pending',
    deployed_at        TIMESTAMPTZ,
    last_heartbeat_at  TIMESTAMPTZ,
    terminated_at      TIMESTAMPTZ,
    estimated_cost_usd NUMERIC(10, 4) NOT NULL DEFAULT 0,
    created_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT valid_vm_status CHECK (vm_status IN ('pending', 'provisioning', 'running', 'stopped', 'terminated')),
    CONSTRAINT valid_status CHECK (status IN ('pending', 'building', 'deploying', 'ready', 'failed', 'terminated'))
);

CREATE INDEX IF NOT EXISTS idx_environments_project_id ON environments (project_id);
CREATE INDEX IF NOT EXISTS idx_environments_project_pr ON environments (project_id, pr_number);
CREATE INDEX IF NOT EXISTS idx_environments_status ON environments (status);
-- The reaper scans ready environments by heartbeat age.
CREATE INDEX IF NOT EXISTS idx_environments_heartbeat ON environments (last_heartbeat_at) WHERE status = 'ready';

COMMENT ON TABLE environments IS 'One preview environment (a "stagelet") per pull request, on its own VM.';
COMMENT ON COLUMN environments.pr_number IS 'Pull request number; NULL for previews started by hand from a branch.';
COMMENT ON COLUMN environments.commit_hash IS 'Git commit SHA the preview was built from.';
COMMENT ON COLUMN environments.subdomain_hash IS 'NanoID serving the preview at https://<hash>.stagely.dev.';
COMMENT ON COLUMN environments.vm_id IS 'Instance id at the cloud provider.';
COMMENT ON COLUMN environments.vm_status IS 'Lifecycle of the VM: pending, provisioning, running, stopped or terminated.';
COMMENT ON COLUMN environments.status IS 'Lifecycle of the preview: pending, building, deploying, ready, failed or terminated.';
COMMENT ON COLUMN environments.last_heartbeat_at IS 'Last heartbeat from the agent on the VM; stale heartbeats mark a dead agent.';
COMMENT ON COLUMN environments.estimated_cost_usd IS 'Running cost estimate in US dollars.';

-- +migrate Down
DROP TABLE IF EXISTS environments;
