-- +migrate Up
CREATE TABLE IF NOT EXISTS users (
    id             UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    email          VARCHAR(255) NOT NULL UNIQUE,
    name           VARCHAR(255) NOT NULL,
    avatar_url     TEXT,
    github_id      VARCHAR(100) UNIQUE,
    google_id      VARCHAR(100) UNIQUE,
    is_active      BOOLEAN NOT NULL DEFAULT true,
    email_verified BOOLEAN NOT NULL DEFAULT false,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_login_at  TIMESTAMPTZ,
    CONSTRAINT valid_email CHECK (email ~* '^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$')
);

CREATE INDEX IF NOT EXISTS idx_users_github_id ON users (github_id);
CREATE INDEX IF NOT EXISTS idx_users_google_id ON users (google_id);

COMMENT ON TABLE users IS 'A person who signs in with GitHub or Google.';
COMMENT ON COLUMN users.github_id IS 'GitHub account id, set when the user signed in with GitHub.';
COMMENT ON COLUMN users.google_id IS 'Google account id, set when the user signed in with Google.';
COMMENT ON COLUMN users.is_active IS 'False when the account is disabled; disabled users cannot sign in.';

-- +migrate Down
DROP TABLE IF EXISTS users;
