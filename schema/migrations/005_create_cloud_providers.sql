-- +migrate Up
CREATE TABLE IF NOT EXISTS cloud_providers (
    id                    UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    team_id               UUID NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    name                  VARCHAR(100) NOT NULL,
    provider_type         VARCHAR(50) NOT NULL,
    encrypted_credentials TEXT NOT NULL,
    region                VARCHAR(50),
    config                JSONB NOT NULL DEFAULT '{}',
    is_active             BOOLEAN NOT NULL DEFAULT true,
    last_validated_at     TIMESTAMPTZ,
    validation_error      TEXT,
    created_at            TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at            TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (team_id, name),
    CONSTRAINT valid_provider_type CHECK (provider_type IN ('aws', 'gcp', 'digitalocean', 'hetzner', 'linode'))
);

CREATE INDEX IF NOT EXISTS idx_cloud_providers_team_id ON cloud_providers (team_id);

-- projects.cloud_provider_id was created in 004, before this table existed.
ALTER TABLE projects DROP CONSTRAINT IF EXISTS fk_projects_cloud_provider;
ALTER TABLE projects
    ADD CONSTRAINT fk_projects_cloud_provider
    FOREIGN KEY (cloud_provider_id) REFERENCES cloud_providers (id) ON DELETE SET NULL;

COMMENT ON TABLE cloud_providers IS 'Cloud credentials a team brings (BYO cloud) for running previews and builds.';
COMMENT ON COLUMN cloud_providers.provider_type IS 'Which cloud: aws, gcp, digitalocean, hetzner or linode.';
COMMENT ON COLUMN cloud_providers.encrypted_credentials IS 'Provider credentials, AES-256-GCM encrypted (base64 of nonce, ciphertext and tag).';
COMMENT ON COLUMN cloud_providers.last_validated_at IS 'When the credentials last passed a validation call.';
COMMENT ON COLUMN cloud_providers.validation_error IS 'Why the last validation failed; NULL when it passed.';

-- +migrate Down
ALTER TABLE IF EXISTS projects DROP CONSTRAINT IF EXISTS fk_projects_cloud_provider;
DROP TABLE IF EXISTS cloud_providers;
