-- +migrate Up
-- Teams are the top-level tenant: every project, cloud account and audit entry belongs to one.
CREATE TABLE IF NOT EXISTS teams (
    id                          UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    slug                        VARCHAR(100) NOT NULL UNIQUE,
    name                        VARCHAR(255) NOT NULL,
    billing_email               VARCHAR(255),
    billing_plan                VARCHAR(50) NOT NULL DEFAULT 'free',
    max_concurrent_environments INTEGER NOT NULL DEFAULT 5,
    max_concurrent_builds       INTEGER NOT NULL DEFAULT 10,
    created_at                  TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at                  TIMESTAMPTZ NOT NULL DEFAULT now(),
    deleted_at                  TIMESTAMPTZ,
    CONSTRAINT valid_slug CHECK (slug ~ '^[a-z0-9][a-z0-9-]*[a-z0-9]$'),
    CONSTRAINT valid_billing_plan CHECK (billing_plan IN ('free', 'pro', 'enterprise'))
);

-- Almost every read filters out soft-deleted teams.
CREATE INDEX IF NOT EXISTS idx_teams_active ON teams (id) WHERE deleted_at IS NULL;

COMMENT ON TABLE teams IS 'Top-level tenant: owns projects, cloud providers and members.';
COMMENT ON COLUMN teams.slug IS 'URL-safe identifier, unique across all teams.';
COMMENT ON COLUMN teams.billing_plan IS 'Subscription plan: free, pro or enterprise.';
COMMENT ON COLUMN teams.max_concurrent_environments IS 'Upper bound on preview environments running at once.';
COMMENT ON COLUMN teams.max_concurrent_builds IS 'Upper bound on image builds running at once.';
COMMENT ON COLUMN teams.deleted_at IS 'Soft delete: set when the team is deleted; NULL while it is live.';

-- +migrate Down
DROP TABLE IF EXISTS teams;
