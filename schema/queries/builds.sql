-- Queries of the build queue and its logs.

-- name: ClaimQueuedBuildJob :one
-- Claims the oldest queued build job for a builder: marks it provisioning and returns it.
-- Concurrent claimers skip rows another transaction holds, so each job goes to one builder.
UPDATE build_jobs
SET status = 'provisioning', started_at = now(), vm_id = @vm_id
WHERE id = (
    SELECT id FROM build_jobs
    WHERE status = 'queued'
    ORDER BY queued_at, id
    LIMIT 1
    FOR UPDATE SKIP LOCKED
)
RETURNING *;

-- name: QueuedBuildJobs :many
-- Queued build jobs, oldest first.
SELECT id, workflow_run_id, name, architecture, queued_at
FROM build_jobs
WHERE status = 'queued'
ORDER BY queued_at, id
LIMIT @max_jobs;

-- name: LogsAfter :many
-- The log lines of a build job after `seq` (keyset paging: pass the last seq seen).
SELECT seq, timestamp, stream, line
FROM build_logs
WHERE build_job_id = $1 AND seq > $2
ORDER BY seq
LIMIT $3;
