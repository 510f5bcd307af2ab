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
        Migration(version: 2, name: "committees, residents, broadcasts, activities", sql: """
            -- A committee (居委会) is a tenant: every record below belongs to one.
            CREATE TABLE committees (
                id         INTEGER PRIMARY KEY,
                slug       TEXT    NOT NULL UNIQUE,
                name       TEXT    NOT NULL,
                time_zone  TEXT    NOT NULL DEFAULT 'Asia/Shanghai',
                created_at INTEGER NOT NULL
            ) STRICT;

            -- API tokens, stored only as SHA-256 hashes. committee_id NULL is an
            -- admin token. `prefix` (the first characters) names a token in lists.
            CREATE TABLE api_tokens (
                id           INTEGER PRIMARY KEY,
                committee_id INTEGER REFERENCES committees (id),
                name         TEXT    NOT NULL,
                prefix       TEXT    NOT NULL,
                hash         BLOB    NOT NULL UNIQUE,
                created_at   INTEGER NOT NULL,
                revoked_at   INTEGER
            ) STRICT;

            -- Residents; phone is E.164. One row per phone and per external id
            -- within a committee, so a re-import updates instead of adding.
            CREATE TABLE residents (
                id                INTEGER PRIMARY KEY,
                committee_id      INTEGER NOT NULL REFERENCES committees (id),
                external_id       TEXT,
                name              TEXT    NOT NULL,
                phone             TEXT,
                openid            TEXT,
                building          TEXT,
                unit              TEXT,
                room              TEXT,
                preferred_channel TEXT,
                voice_ok          INTEGER NOT NULL DEFAULT 1,
                quiet_start       INTEGER,  -- minutes after midnight, local time
                quiet_end         INTEGER,
                created_at        INTEGER NOT NULL,
                updated_at        INTEGER NOT NULL,
                CHECK (phone IS NOT NULL OR openid IS NOT NULL)
            ) STRICT;
            CREATE UNIQUE INDEX residents_phone ON residents (committee_id, phone) WHERE phone IS NOT NULL;
            CREATE UNIQUE INDEX residents_external ON residents (committee_id, external_id)
                WHERE external_id IS NOT NULL;
            CREATE INDEX residents_building ON residents (committee_id, building);

            -- Tags as rows, so an audience "tag = 独居老人" is an index range.
            CREATE TABLE resident_tags (
                committee_id INTEGER NOT NULL,
                tag          TEXT    NOT NULL,
                resident_id  INTEGER NOT NULL REFERENCES residents (id) ON DELETE CASCADE,
                PRIMARY KEY (committee_id, tag, resident_id)
            ) STRICT, WITHOUT ROWID;

            -- A resident who replied TD/退订 on a channel (sms, voice, push).
            CREATE TABLE opt_outs (
                resident_id  INTEGER NOT NULL REFERENCES residents (id) ON DELETE CASCADE,
                channel      TEXT    NOT NULL,
                committee_id INTEGER NOT NULL,
                source       TEXT    NOT NULL,
                created_at   INTEGER NOT NULL,
                PRIMARY KEY (resident_id, channel)
            ) STRICT, WITHOUT ROWID;

            -- Activities with a capacity; signed_up always equals the number of
            -- active sign-ups (kept in the same transaction as every change).
            CREATE TABLE activities (
                id              INTEGER PRIMARY KEY,
                committee_id    INTEGER NOT NULL REFERENCES committees (id),
                title           TEXT    NOT NULL,
                place           TEXT,
                starts_at       INTEGER,
                signup_deadline INTEGER,
                capacity        INTEGER NOT NULL CHECK (capacity > 0),
                signed_up       INTEGER NOT NULL DEFAULT 0,
                full_at         INTEGER,
                created_at      INTEGER NOT NULL,
                CHECK (signed_up BETWEEN 0 AND capacity)
            ) STRICT;

            -- One row per resident and activity: state 1 signed up, 0 cancelled.
            CREATE TABLE signups (
                activity_id INTEGER NOT NULL REFERENCES activities (id),
                resident_id INTEGER NOT NULL REFERENCES residents (id),
                state       INTEGER NOT NULL,
                source      TEXT    NOT NULL,
                delivery_id INTEGER,
                created_at  INTEGER NOT NULL,
                updated_at  INTEGER NOT NULL,
                PRIMARY KEY (activity_id, resident_id)
            ) STRICT, WITHOUT ROWID;

            -- Broadcasts: what to send, to whom, through which channels, when.
            -- audience, plan and variables are JSON; state: scheduled,
            -- fanning_out, sending, done, cancelled.
            CREATE TABLE broadcasts (
                id              INTEGER PRIMARY KEY,
                committee_id    INTEGER NOT NULL REFERENCES committees (id),
                kind            TEXT    NOT NULL,
                template        TEXT    NOT NULL,
                variables       TEXT    NOT NULL,
                audience        TEXT    NOT NULL,
                plan            TEXT    NOT NULL,
                activity_id     INTEGER REFERENCES activities (id),
                priority        INTEGER NOT NULL,
                scheduled_at    INTEGER NOT NULL,
                idempotency_key TEXT,
                state           TEXT    NOT NULL,
                recipients      INTEGER NOT NULL DEFAULT 0,
                created_at      INTEGER NOT NULL,
                cancelled_at    INTEGER
            ) STRICT;
            CREATE UNIQUE INDEX broadcasts_idempotency ON broadcasts (committee_id, idempotency_key)
                WHERE idempotency_key IS NOT NULL;

            -- One delivery per resident and broadcast. state: 0 queued, 1 sent,
            -- 2 delivered, 3 failed, 4 confirmed, 5 cancelled. step indexes the
            -- broadcast's channel plan.
            CREATE TABLE deliveries (
                id           INTEGER PRIMARY KEY,
                broadcast_id INTEGER NOT NULL REFERENCES broadcasts (id),
                committee_id INTEGER NOT NULL,
                resident_id  INTEGER NOT NULL,
                state        INTEGER NOT NULL DEFAULT 0,
                step         INTEGER NOT NULL DEFAULT 0,
                channel      TEXT,
                gateway_id   TEXT,
                updated_at   INTEGER NOT NULL,
                UNIQUE (broadcast_id, resident_id)
            ) STRICT;
            CREATE INDEX deliveries_gateway ON deliveries (gateway_id) WHERE gateway_id IS NOT NULL;

            -- Append-only: every send, receipt, reply and key press with the
            -- gateway's raw fields (JSON). delivery_id NULL: an orphan receipt.
            CREATE TABLE delivery_events (
                id          INTEGER PRIMARY KEY,
                delivery_id INTEGER,
                at          INTEGER NOT NULL,
                kind        TEXT    NOT NULL,
                channel     TEXT,
                gateway     TEXT,
                detail      TEXT
            ) STRICT;
            CREATE INDEX delivery_events_delivery ON delivery_events (delivery_id);

            -- Poll answers, one per resident and broadcast (the latest counts).
            CREATE TABLE poll_answers (
                broadcast_id INTEGER NOT NULL REFERENCES broadcasts (id),
                resident_id  INTEGER NOT NULL,
                choice       TEXT    NOT NULL,
                source       TEXT    NOT NULL,
                at           INTEGER NOT NULL,
                PRIMARY KEY (broadcast_id, resident_id)
            ) STRICT, WITHOUT ROWID;
            """),
        Migration(version: 3, name: "fair claims, contact log and dispatcher status", sql: """
            -- Claims go round-robin across committees within a priority
            -- (JobQueue.claim): the claim index gains the committee, so the
            -- committees with pending work are found by skipping from one to the
            -- next (one seek each) and each committee's due jobs are one range
            -- in run_at order (the rowid, id, is the implicit last column).
            DROP INDEX jobs_claim;
            CREATE INDEX jobs_claim ON jobs (queue_id, priority, committee, run_at) WHERE state = 0;

            -- The contact log behind per-resident frequency caps (DESIGN.md,
            -- "Limits"): one row per send attempt started to a resident on a
            -- channel, whatever its outcome. Only the last day matters for a
            -- cap, so older rows are pruned (ContactLog.prune, run by
            -- JobQueue.pruneSucceeded).
            CREATE TABLE contacts (
                resident_id INTEGER NOT NULL,
                channel     TEXT    NOT NULL,
                at          INTEGER NOT NULL,
                delivery_id INTEGER NOT NULL
            ) STRICT;
            CREATE INDEX contacts_resident ON contacts (resident_id, channel, at);

            -- What each running dispatcher's worker groups are doing (limiters,
            -- circuit, what they wait for, counters), one JSON snapshot per
            -- queue rewritten every second, so `herald status` in another
            -- process can show it. Rows older than a few seconds are stale.
            CREATE TABLE queue_runtime (
                queue      TEXT    PRIMARY KEY,
                updated_at INTEGER NOT NULL,
                snapshot   TEXT    NOT NULL
            ) STRICT, WITHOUT ROWID;
            """),
        Migration(version: 4, name: "webhook signatures seen, residents by openid", sql: """
            -- Signed webhooks (the mini program's sign-ups) are accepted once:
            -- each signature used within the timestamp window is kept here and
            -- a second use is refused as a replay (WebhookReplays). Rows older
            -- than the window can no longer be replayed (the timestamp check
            -- refuses them first), so they are pruned as new ones arrive.
            CREATE TABLE webhook_signatures (
                signature TEXT    PRIMARY KEY,
                seen_at   INTEGER NOT NULL
            ) STRICT, WITHOUT ROWID;
            CREATE INDEX webhook_signatures_seen ON webhook_signatures (seen_at);

            -- The mini program names residents by openid (POST /v1/signups).
            CREATE INDEX residents_openid ON residents (committee_id, openid) WHERE openid IS NOT NULL;
            """),
    ])
}
