/// Herald's schema, one migration per version. Never edit a released step;
/// add a new one.
public enum Schema {
    public static let migrator = Migrator([
        Migration(version: 1, name: "job queue", sql: """
            -- Queues by name; jobs refer to them by id (integer keys keep the
            -- claim index small and fast). `paused` persists across restarts.
            CREATE TABLE queues (
                id         INTEGER PRIMARY KEY,
                name       TEXT    NOT NULL UNIQUE,
                paused     INTEGER NOT NULL DEFAULT 0,
                reason     TEXT,
                changed_at INTEGER
            ) STRICT;

            -- One row per unit of work. state: 0 pending (scheduled, available or
            -- retrying, told apart by run_at and attempts), 1 running,
            -- 2 succeeded, 3 dead, 4 cancelled. Times are Unix milliseconds.
            CREATE TABLE jobs (
                id               INTEGER PRIMARY KEY,
                queue_id         INTEGER NOT NULL,  -- queues.id; no REFERENCES: checking it costs every insert and update a lookup, and only JobQueue.queueID(_:db:) writes it
                state            INTEGER NOT NULL DEFAULT 0,
                priority         INTEGER NOT NULL DEFAULT 1,
                run_at           INTEGER NOT NULL,
                attempts         INTEGER NOT NULL DEFAULT 0,
                max_attempts     INTEGER NOT NULL,
                committee        INTEGER NOT NULL DEFAULT 0,
                group_id         INTEGER,
                unique_key       TEXT,
                payload          BLOB,
                lease_token      INTEGER,
                lease_expires_at INTEGER,
                created_at       INTEGER NOT NULL,
                finished_at      INTEGER,
                last_error       TEXT
            ) STRICT;
            -- Claim order. Only pending rows are indexed, so finished and running
            -- work never slows a claim; the rowid (id) is the implicit last column.
            -- This is the only index every job pays for: rescue of expired leases
            -- and cancel-by-broadcast scan instead (both rare, and pruning keeps
            -- the table small); see docs/ARCHITECTURE.md for the measurements.
            CREATE INDEX jobs_claim ON jobs (queue_id, priority, run_at) WHERE state = 0;
            -- At most one unfinished job per unique key (only keyed jobs pay).
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
