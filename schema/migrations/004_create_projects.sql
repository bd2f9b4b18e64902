-- +migrate Up
CREATE TABLE IF NOT EXISTS projects (
    id                   UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    team_id              UUID NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    slug                 VARCHAR(100) NOT NULL,
    name                 VARCHAR(255) NOT NULL,
    repo_url             TEXT NOT NULL,
    repo_provider        VARCHAR(50) NOT NULL DEFAULT 'github',
    default_branch       VARCHAR(100) NOT NULL DEFAULT 'main',
    -- The foreign key to cloud_providers is added by 005, which creates that table.
    cloud_provider_id    UUID,
    default_preview_size VARCHAR(20) NOT NULL DEFAULT 'medium',
    config               JSONB NOT NULL DEFAULT '{}',
    is_active            BOOLEAN NOT NULL DEFAULT true,
    created_at           TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at           TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (team_id, slug),
    CONSTRAINT valid_slug CHECK (slug ~ '^[a-z0-9][a-z0-9-]*[a-z0-9]$'),
    CONSTRAINT valid_repo_provider CHECK (repo_provider IN ('github', 'gitlab', 'bitbucket')),
    CONSTRAINT valid_default_preview_size CHECK (default_preview_size IN ('small', 'medium', 'large', 'xlarge'))
);

CREATE INDEX IF NOT EXISTS idx_projects_team_id ON projects (team_id);
-- Webhooks arrive with the repository URL only.
CREATE INDEX IF NOT EXISTS idx_projects_repo_url ON projects (repo_url);

COMMENT ON TABLE projects IS 'A git repository whose pull requests get preview environments.';
COMMENT ON COLUMN projects.slug IS 'URL-safe identifier, unique within the team.';
COMMENT ON COLUMN projects.cloud_provider_id IS 'Cloud account the previews run in; NULL until one is chosen or after it is deleted.';
COMMENT ON COLUMN projects.default_preview_size IS 'VM size for new previews: small, medium, large or xlarge.';
COMMENT ON COLUMN projects.config IS 'Parsed stagely.yaml: services, build and test settings.';

-- +migrate Down
DROP TABLE IF EXISTS projects;
