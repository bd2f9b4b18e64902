-- +migrate Up
CREATE TABLE IF NOT EXISTS build_logs (
    id           UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    build_job_id UUID NOT NULL REFERENCES build_jobs (id) ON DELETE CASCADE,
    seq          BIGINT NOT NULL GENERATED ALWAYS AS IDENTITY,
    timestamp    TIMESTAMPTZ NOT NULL DEFAULT now(),
    stream       VARCHAR(10) NOT NULL,
    line         TEXT NOT NULL,
    CONSTRAINT valid_stream CHECK (stream IN ('stdout', 'stderr'))
);

CREATE INDEX IF NOT EXISTS idx_build_logs_build_job_seq ON build_logs (build_job_id, seq);

COMMENT ON TABLE build_logs IS 'Streamed build output, one row per line (high volume).';
COMMENT ON COLUMN build_logs.seq IS 'Insertion order; keeps lines in order when timestamps tie.';
COMMENT ON COLUMN build_logs.stream IS 'Which output the line came from: stdout or stderr.';

-- +migrate Down
DROP TABLE IF EXISTS build_logs;
