import Foundation
import HeraldDispatch
import HeraldStore

extension ServerContext {
    /// Every metric docs/METRICS.md lists, in the Prometheus text format:
    /// queue depths and pauses from the database, sends, latencies, limiter
    /// waits and circuits from the dispatcher (live, or its last snapshot),
    /// callbacks from this server, sign-ups and open activities from the
    /// database. Read in one snapshot.
    func prometheusText() throws -> String {
        let now = clock.now()
        let (queues, activity, signUps, activities, broadcasts) = try read { db in
            (try QueueStats.read(now: now, db: db),
             try dispatcherActivity(db: db),
             try db.cached("SELECT source, count(*) FROM signups WHERE state = 1 GROUP BY source ORDER BY source")
                .rows([]) { ($0.string(0), $0.int(1)) },
             try db.cached("""
                 SELECT id, committee_id, capacity, signed_up FROM activities
                  WHERE starts_at IS NULL OR starts_at > ?1 ORDER BY id
                 """).rows([now.unixMilliseconds]) { ($0.int64(0), $0.int64(1), $0.int(2), $0.int(3)) },
             try db.cached("SELECT state, count(*) FROM broadcasts GROUP BY state ORDER BY state")
                .rows([]) { ($0.string(0), $0.int(1)) })
        }
        var out = PrometheusText()

        // The queue, from the database.
        let states: [(String, KeyPath<QueueStats, Int>)] = [
            ("available", \.available), ("scheduled", \.scheduled), ("retrying", \.retrying), ("running", \.running),
            ("succeeded", \.succeeded), ("dead", \.dead), ("cancelled", \.cancelled),
        ]
        out.family("herald_queue_jobs", "gauge", "Jobs per queue by state (dead: dead letters waiting for staff).",
                   queues.flatMap { stats in
                       states.map { ([("queue", stats.queue), ("state", $0.0)], Double(stats[keyPath: $0.1])) }
                   })
        out.family("herald_queue_oldest_available_seconds", "gauge", "Age of the oldest job that is due and waiting.",
                   queues.map { ([("queue", $0.queue)], $0.oldestAvailableAge) })
        out.family("herald_queue_paused", "gauge", "1 while the queue is paused (herald queue pause, or the gateway's balance ran out).",
                   queues.map { ([("queue", $0.queue)], $0.paused ? 1 : 0) })

        // The dispatcher's worker groups.
        let byQueue = activity.map { ($0, [("queue", $0.queue)]) }
        out.family("herald_sends_total", "counter", "Sends by the gateway's outcome, since the dispatcher started.",
                   byQueue.flatMap { group, labels in
                       group.counters.outcomes.sorted { $0.key < $1.key }.map {
                           (labels + [("channel", group.channel), ("outcome", $0.key)], Double($0.value))
                       }
                   })
        out.histogram("herald_send_duration_seconds", "Claim to the gateway's answer, every outcome.",
                      byQueue.map { ($0.1, $0.0.counters.latency) })
        out.histogram("herald_enqueue_to_accepted_seconds",
                      "Enqueue to the gateway's acceptance, scheduled waits (quiet hours, backoff) included.",
                      byQueue.map { ($0.1, $0.0.counters.enqueueToAccepted) })
        out.histogram("herald_due_to_accepted_seconds", "Due to the gateway's acceptance: how far behind sending runs.",
                      byQueue.map { ($0.1, $0.0.counters.dueToAccepted) })
        out.family("herald_limiter_waits_total", "counter", "Dispatch cycles held back by a limiter (rate: token bucket; concurrency: all lines busy).",
                   byQueue.flatMap { group, labels in
                       [(labels + [("limiter", "rate")], Double(group.counters.rateWaits)),
                        (labels + [("limiter", "concurrency")], Double(group.counters.concurrencyWaits))]
                   })
        out.family("herald_deferred_total", "counter", "Sends put off to respect residents (quiet hours, frequency caps).",
                   byQueue.flatMap { group, labels in
                       [(labels + [("reason", "quiet_hours")], Double(group.counters.deferredQuietHours)),
                        (labels + [("reason", "frequency_cap")], Double(group.counters.deferredFrequencyCap))]
                   })
        out.family("herald_circuit_state", "gauge", "The gateway's circuit: 0 closed, 1 half-open, 2 open.",
                   byQueue.map { group, labels in
                       (labels, group.circuit == "open" ? 2 : group.circuit == "half-open" ? 1 : 0)
                   })
        out.family("herald_circuit_opens_total", "counter", "Times the gateway's circuit opened.",
                   byQueue.map { ($0.1, Double($0.0.circuitOpens)) })
        out.family("herald_in_flight", "gauge", "Sends waiting for the gateway's answer.",
                   byQueue.map { ($0.1, Double($0.0.inFlight)) })
        out.family("herald_concurrency_limit", "gauge", "The queue's concurrency cap (lines).",
                   byQueue.map { ($0.1, Double($0.0.concurrency)) })
        out.family("herald_rate_limit_per_second", "gauge", "The queue's configured sends per second.",
                   byQueue.map { ($0.1, $0.0.rate) })
        out.family("herald_queue_window_open", "gauge", "1 inside the queue's sending window, 0 outside it (due jobs wait by design).",
                   byQueue.map { ($0.1, $0.0.windowOpen ? 1 : 0) })
        out.family("herald_dispatcher_snapshot_age_seconds", "gauge", "Age of the dispatcher numbers above (0 in process; large: the dispatcher stopped).",
                   byQueue.map { ($0.1, dispatcher == nil ? max(0, now.timeIntervalSince($0.0.updatedAt)) : 0) })

        // What came back.
        out.family("herald_callbacks_total", "counter", "Callbacks received by gateway and result (ok, rejected, malformed, error).",
                   metrics.callbackCounts().map { ([("gateway", $0.gateway), ("result", $0.result)], Double($0.count)) })
        out.family("herald_signups", "gauge", "Residents signed up (not cancelled), by how they signed up.",
                   signUps.map { ([("source", $0.0)], Double($0.1)) })
        out.family("herald_activity_signed_up", "gauge", "Residents signed up per activity not yet started.",
                   activities.map { ([("activity", String($0.0)), ("committee", String($0.1))], Double($0.3)) })
        out.family("herald_activity_capacity", "gauge", "Places per activity not yet started.",
                   activities.map { ([("activity", String($0.0)), ("committee", String($0.1))], Double($0.2)) })
        out.family("herald_broadcasts", "gauge", "Broadcasts by state.",
                   broadcasts.map { ([("state", $0.0)], Double($0.1)) })
        return out.text
    }
}
