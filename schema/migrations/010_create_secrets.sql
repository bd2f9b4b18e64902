-- +migrate Up
CREATE TABLE IF NOT EXISTS secrets (
    id               UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    project_id       UUID NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    key              VARCHAR(255) NOT NULL,
    encrypted_value  TEXT NOT NULL,
    scope            VARCHAR(50) NOT NULL DEFAULT 'global',
    secret_type      VARCHAR(20) NOT NULL DEFAULT 'env',
    file_path        TEXT,
    file_permissions VARCHAR(4),
    created_by       UUID REFERENCES users (id) ON DELETE SET NULL,
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (project_id, key, scope),
    CONSTRAINT valid_scope CHECK (scope = 'global' OR scope ~ '^[a-zA-Z0-9_-]+$'),
    CONSTRAINT valid_secret_type CHECK (secret_type IN ('env', 'file')),
    CONSTRAINT valid_file_permissions CHECK (file_permissions ~ '^[0-7]{3,4}$'),
    CONSTRAINT file_secret_has_path CHECK (secret_type <> 'file' OR file_path IS NOT NULL)
);

CREATE INDEX IF NOT EXISTS idx_secrets_project_id ON secrets (project_id);
CREATE INDEX IF NOT EXISTS idx_secrets_project_scope ON secrets (project_id, scope);

COMMENT ON TABLE secrets IS 'Encrypted environment variables and files injected into previews.';
COMMENT ON COLUMN secrets.key IS 'Variable name, or a label for a file secret.';
COMMENT ON COLUMN secrets.encrypted_value IS 'Secret value, AES-256-GCM encrypted (base64 of nonce, ciphertext and tag).';
COMMENT ON COLUMN secrets.scope IS 'global for every service, or the name of the one service that receives it.';
COMMENT ON COLUMN secrets.secret_type IS 'env for an environment variable, file for a file written into the container.';
COMMENT ON COLUMN secrets.file_path IS 'Where a file secret is written; required when secret_type is file.';
COMMENT ON COLUMN secrets.file_permissions IS 'Octal mode of a file secret, such as 0600.';

-- +migrate Down
DROP TABLE IF EXISTS secrets;
