-- +migrate Up
CREATE TABLE IF NOT EXISTS team_members (
    id         UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    team_id    UUID NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    user_id    UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role       VARCHAR(50) NOT NULL DEFAULT 'member',
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (team_id, user_id),
    CONSTRAINT valid_role CHECK (role IN ('owner', 'admin', 'member', 'viewer'))
);

-- "Which teams is this user in, and as what?" is asked on every request.
CREATE INDEX IF NOT EXISTS idx_team_members_user_team_role ON team_members (user_id, team_id, role);

COMMENT ON TABLE team_members IS 'Membership of a user in a team (the user-team many-to-many).';
COMMENT ON COLUMN team_members.role IS 'What the member may do: owner, admin, member or viewer.';

-- +migrate Down
DROP TABLE IF EXISTS team_members;
