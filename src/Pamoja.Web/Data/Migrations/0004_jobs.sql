-- The job runner's queue (Jobs/JobQueue.cs). Work is claimed with FOR UPDATE SKIP LOCKED and a
-- lease, so any number of app instances share it; a job whose worker died is claimed again
-- when its lease ends. A handler commits its effect and the 'done' mark in one transaction,
-- guarded by the lease token, so a job whose lease was taken over cannot take effect twice.

CREATE TABLE jobs (
    id            uuid        PRIMARY KEY,
    kind          text        NOT NULL CHECK (length(kind) BETWEEN 1 AND 100),
    -- The engines name their work ("remind:<group>:<date>"), so re-running an engine for the
    -- same business date enqueues nothing new. Kept after the job is done for that reason.
    dedupe_key    text        UNIQUE CHECK (length(dedupe_key) BETWEEN 1 AND 400),
    -- The group the work is for, if any: for the operator's list and a future split by group.
    -- No foreign key: platform-wide jobs have none, and the queue must accept work in bulk
    -- without one bad row failing the batch.
    group_id      uuid,
    payload       jsonb       NOT NULL DEFAULT '{}',
    status        text        NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'dead')),
    -- Counted when a job is claimed, so a job whose worker keeps dying still runs out.
    attempts      integer     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    max_attempts  integer     NOT NULL DEFAULT 8 CHECK (max_attempts BETWEEN 1 AND 100),
    run_after     timestamptz NOT NULL,
    -- A new token with every claim: only the holder of the current one may finish the job.
    lease_token   uuid,
    leased_until  timestamptz,
    locked_by     text,
    last_error    text        CHECK (length(last_error) <= 2000),
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    finished_at   timestamptz,
    CONSTRAINT jobs_running_has_lease CHECK (status <> 'running' OR (lease_token IS NOT NULL AND leased_until IS NOT NULL)),
    CONSTRAINT jobs_finished_when_final CHECK ((status IN ('done', 'dead')) = (finished_at IS NOT NULL))
);

-- Claiming looks only at the few live rows, however many finished jobs the table keeps.
CREATE INDEX jobs_claim_idx ON jobs (status, run_after) WHERE status IN ('queued', 'running');
-- The operator's list: newest first within a status (the dead ones above all).
CREATE INDEX jobs_status_updated_idx ON jobs (status, updated_at DESC);
