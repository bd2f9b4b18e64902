-- +migrate Up
CREATE TABLE IF NOT EXISTS agent_connections (
    id              UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    environment_id  UUID NOT NULL REFERENCES environments (id) ON DELETE CASCADE,
    agent_id        VARCHAR(100) NOT NULL UNIQUE,
    token_hash      VARCHAR(64) NOT NULL,
    status          VARCHAR(20) NOT NULL DEFAULT 'connected',
    ip_address      INET,
    agent_version   VARCHAR(20),
    system_info     JSONB,
    connected_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_seen_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    disconnected_at TIMESTAMPTZ,
    CONSTRAINT valid_status CHECK (status IN ('connected', 'disconnected'))
);

CREATE INDEX IF NOT EXISTS idx_agent_connections_environment_id ON agent_connections (environment_id);
CREATE INDEX IF NOT EXISTS idx_agent_connections_last_seen ON agent_connections (last_seen_at) WHERE status = 'connected';

COMMENT ON TABLE agent_connections IS 'Live WebSocket connections from the agents running on preview VMs.';
COMMENT ON COLUMN agent_connections.agent_id IS 'Identifier the agent presents when it connects.';
COMMENT ON COLUMN agent_connections.token_hash IS 'Hex SHA-256 of the agent token; the token itself is never stored.';
COMMENT ON COLUMN agent_connections.system_info IS 'What the agent reports about its VM: OS, CPU, memory.';

-- +migrate Down
DROP TABLE IF EXISTS agent_connections;
