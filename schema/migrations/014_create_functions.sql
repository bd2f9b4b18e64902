-- +migrate Up
-- Keeps updated_at current on every UPDATE, so callers never have to remember it.
CREATE OR REPLACE FUNCTION update_updated_at_column()
RETURNS TRIGGER
LANGUAGE plpgsql
AS $$
BEGIN
    NEW.updated_at = now();
    RETURN NEW;
END;
$$;

CREATE OR REPLACE TRIGGER update_teams_updated_at
    BEFORE UPDATE ON teams FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();
CREATE OR REPLACE TRIGGER update_users_updated_at
    BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();
CREATE OR REPLACE TRIGGER update_projects_updated_at
    BEFORE UPDATE ON projects FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();
CREATE OR REPLACE TRIGGER update_cloud_providers_updated_at
    BEFORE UPDATE ON cloud_providers FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();
CREATE OR REPLACE TRIGGER update_environments_updated_at
    BEFORE UPDATE ON environments FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();
CREATE OR REPLACE TRIGGER update_workflow_runs_updated_at
    BEFORE UPDATE ON workflow_runs FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();
CREATE OR REPLACE TRIGGER update_build_jobs_updated_at
    BEFORE UPDATE ON build_jobs FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();
CREATE OR REPLACE TRIGGER update_secrets_updated_at
    BEFORE UPDATE ON secrets FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();

-- 12 characters of a-z0-9: 36^12 (about 4.7e18) possible subdomains.
CREATE OR REPLACE FUNCTION generate_subdomain_hash()
RETURNS TEXT
LANGUAGE plpgsql
VOLATILE
AS $$
DECLARE
    alphabet CONSTANT TEXT := 'abcdefghijklmnopqrstuvwxyz0123456789';
    hash TEXT := '';
BEGIN
    FOR i IN 1..12 LOOP
        hash := hash || substr(alphabet, 1 + floor(random() * 36)::INTEGER, 1);
    END LOOP;
    RETURN hash;
END;
$$;

-- A subdomain hash no environment uses yet; collisions are astronomically rare, so the loop is short.
CREATE OR REPLACE FUNCTION generate_unique_subdomain_hash()
RETURNS TEXT
LANGUAGE plpgsql
VOLATILE
AS $$
DECLARE
    candidate TEXT;
BEGIN
    LOOP
        candidate := generate_subdomain_hash();
        EXIT WHEN NOT EXISTS (SELECT 1 FROM environments WHERE subdomain_hash = candidate);
    END LOOP;
    RETURN candidate;
END;
$$;

-- Previews that are serving, or about to, with where to reach them.
CREATE OR REPLACE VIEW active_environments AS
SELECT
    e.id,
    e.subdomain_hash,
    e.status,
    e.vm_ip,
    p.name AS project_name,
    t.name AS team_name,
    CONCAT('https://', e.subdomain_hash, '.stagely.dev') AS public_url,
    e.last_heartbeat_at,
    EXTRACT(EPOCH FROM (now() - e.created_at)) / 3600 AS age_hours,
    e.estimated_cost_usd
FROM environments e
JOIN projects p ON p.id = e.project_id
JOIN teams t ON t.id = p.team_id
WHERE e.status IN ('deploying', 'ready')
  AND e.terminated_at IS NULL;

-- Ready previews the reaper should tear down, and why.
CREATE OR REPLACE VIEW stale_environments AS
SELECT
    e.id,
    e.project_id,
    e.subdomain_hash,
    e.vm_id,
    e.last_heartbeat_at,
    e.created_at,
    CASE
        WHEN e.last_heartbeat_at < now() - INTERVAL '15 minutes' THEN 'agent_dead'
        ELSE 'ttl_expired'
    END AS stale_reason
FROM environments e
WHERE e.status = 'ready'
  AND (
      e.last_heartbeat_at < now() - INTERVAL '15 minutes'
      OR e.created_at < now() - INTERVAL '24 hours'
  );

COMMENT ON VIEW active_environments IS 'Previews that are deploying or ready and not terminated, with their public URL.';
COMMENT ON VIEW stale_environments IS 'Ready previews whose agent stopped reporting (agent_dead) or that outlived 24 hours (ttl_expired).';

-- +migrate Down
DROP VIEW IF EXISTS stale_environments;
DROP VIEW IF EXISTS active_environments;
DROP FUNCTION IF EXISTS generate_unique_subdomain_hash();
DROP FUNCTION IF EXISTS generate_subdomain_hash();
DROP TRIGGER IF EXISTS update_secrets_updated_at ON secrets;
DROP TRIGGER IF EXISTS update_build_jobs_updated_at ON build_jobs;
DROP TRIGGER IF EXISTS update_workflow_runs_updated_at ON workflow_runs;
DROP TRIGGER IF EXISTS update_environments_updated_at ON environments;
DROP TRIGGER IF EXISTS update_cloud_providers_updated_at ON cloud_providers;
DROP TRIGGER IF EXISTS update_projects_updated_at ON projects;
DROP TRIGGER IF EXISTS update_users_updated_at ON users;
DROP TRIGGER IF EXISTS update_teams_updated_at ON teams;
DROP FUNCTION IF EXISTS update_updated_at_column();
