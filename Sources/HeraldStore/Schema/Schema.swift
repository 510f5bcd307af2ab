/// Herald's schema, one migration per version. Never edit a released step;
/// add a new one.
public enum Schema {
    public static let migrator = Migrator([
        Migration(version: 1, name: "job queue", sql: """
            -- One row per unit of work. state: 0 pending (scheduled, available or
            -- retrying, told apart by run_at and attempts), 1 running,
            -- 2 succeeded, 3 dead, 4 cancelled. Times are Unix milliseconds.
            CREATE TABLE jobs (
                id               INTEGER PRIMARY KEY,
                queue            TEXT    NOT NULL,
                state            INTEGER NOT NULL DEFAULT 0,
                priority         INTEGER NOT NULL DEFAULT 1,
                run_at           INTEGER NOT NULL,
                attempts         INTEGER NOT NULL DEFAULT 0,
                max_attempts     INTEGER NOT NULL,
                unique_key       TEXT,
                committee        INTEGER NOT NULL DEFAULT 0,
                group_id         INTEGER,
                payload          BLOB,
                lease_token      INTEGER,
                lease_expires_at INTEGER,
                last_error       TEXT,
                created_at       INTEGER NOT NULL,
                finished_at      INTEGER
            ) STRICT;
            -- Claim order: only pending rows are indexed, so finished work never
            -- slows a claim. The rowid (id) is the implicit last column.
            CREATE INDEX jobs_claim ON jobs (queue, priority, run_at) WHERE state = 0;
            -- Rescue of expired leases: only running rows.
            CREATE INDEX jobs_lease ON jobs (lease_expires_at) WHERE state = 1;
            -- Cancel by broadcast: only unfinished rows of a group.
            CREATE INDEX jobs_group ON jobs (group_id) WHERE state IN (0, 1) AND group_id IS NOT NULL;
            -- At most one unfinished job per unique key.
            CREATE UNIQUE INDEX jobs_unique ON jobs (unique_key)
                WHERE unique_key IS NOT NULL AND state IN (0, 1);

            -- Every failed attempt (retry, dead, lease lost), for `herald dead show`.
            CREATE TABLE job_attempts (
                job_id      INTEGER NOT NULL,
                attempt     INTEGER NOT NULL,
                finished_at INTEGER NOT NULL,
                outcome     TEXT    NOT NULL,
                error       TEXT,
                PRIMARY KEY (job_id, attempt)
            ) STRICT, WITHOUT ROWID;

            -- Persisted pause state per queue.
            CREATE TABLE queue_controls (
                queue     TEXT PRIMARY KEY,
                paused    INTEGER NOT NULL DEFAULT 0,
                reason    TEXT,
                changed_at INTEGER NOT NULL
            ) STRICT;

            -- Finished jobs per queue and minute, for rates in status and metrics
            -- (succeeded rows are pruned, these counters stay small).
            CREATE TABLE queue_throughput (
                queue     TEXT    NOT NULL,
                minute    INTEGER NOT NULL,
                succeeded INTEGER NOT NULL DEFAULT 0,
                retried   INTEGER NOT NULL DEFAULT 0,
                dead      INTEGER NOT NULL DEFAULT 0,
                stale     INTEGER NOT NULL DEFAULT 0,
                PRIMARY KEY (queue, minute)
            ) STRICT, WITHOUT ROWID;
            """),
    ])
}
