import Foundation
import HeraldStore
import Testing
@testable import HeraldServer

/// `/metrics`, `/healthz` and `/readyz` against the running server.
@Suite struct MetricsTests {
    @Test func metricsAreValidPrometheusTextWithEveryFamily() async throws {
        let harness = try ServerHarness()
        defer { harness.stop() }
        let (residents, activity) = try harness.residentsAndActivity(2, capacity: 10)
        let sms = try harness.sent(activity, channel: "sms", queue: "kannel-sms", gateway: "kannel")
        _ = try await harness.request("GET", "/callbacks/kannel/dlr?delivery=\(sms[residents[0]]!)&status=1")
        _ = try await harness.request("GET", "/callbacks/kannel/dlr?status=1")
        _ = try await harness.request("POST", "/callbacks/alibaba/nope/sms-report", body: "[]")
        let body = #"{"activity_id":\#(activity),"resident_id":\#(residents[1])}"#
        _ = try await harness.request("POST", "/v1/signups", body: body, headers: try harness.signature(body))

        let response = try await harness.request("GET", "/metrics")
        #expect(response.status == 200)
        #expect(response.header("Content-Type") == "text/plain; version=0.0.4; charset=utf-8")
        let text = response.text
        for family in ["herald_queue_jobs", "herald_queue_oldest_available_seconds", "herald_queue_paused",
                       "herald_sends_total", "herald_send_duration_seconds", "herald_enqueue_to_accepted_seconds",
                       "herald_due_to_accepted_seconds", "herald_limiter_waits_total", "herald_deferred_total",
                       "herald_circuit_state", "herald_callbacks_total", "herald_signups", "herald_activity_signed_up",
                       "herald_activity_capacity", "herald_broadcasts"] {
            #expect(text.contains("# TYPE \(family) "), "\(family) is not declared")
        }
        #expect(text.contains(#"herald_queue_jobs{queue="kannel-sms",state="succeeded"} 2"#), "\(text)")
        #expect(text.contains(#"herald_queue_jobs{queue="kannel-sms",state="dead"} 0"#))
        #expect(text.contains(#"herald_callbacks_total{gateway="kannel",result="ok"} 1"#))
        #expect(text.contains(#"herald_callbacks_total{gateway="kannel",result="malformed"} 1"#))
        #expect(text.contains(#"herald_callbacks_total{gateway="alibaba",result="rejected"} 1"#))
        #expect(text.contains(#"herald_callbacks_total{gateway="miniprogram",result="ok"} 1"#))
        #expect(text.contains(#"herald_signups{source="mini_program"} 1"#))
        #expect(text.contains(#"herald_activity_capacity{activity="\#(activity)",committee="\#(harness.committeeA)"} 10"#))
        #expect(text.contains(#"herald_broadcasts{state="sending"} 1"#) || text.contains(#"herald_broadcasts{state="done"} 1"#),
                "\(text)")
        try PromtoolCheck.metrics(text)
    }

    @Test func labelValuesAreEscaped() throws {
        var out = PrometheusText()
        out.family("herald_test", "gauge", "A test.\nSecond line.", [([("queue", #"a"b\c"# + "\nd")], 1.5)])
        #expect(out.text == """
            # HELP herald_test A test.\\nSecond line.
            # TYPE herald_test gauge
            herald_test{queue="a\\"b\\\\c\\nd"} 1.5

            """)
        try PromtoolCheck.metrics(out.text)
    }

    @Test func readyWhenTheDatabaseTakesWritesAndItsSchemaIsCurrent() async throws {
        let harness = try ServerHarness()
        defer { harness.stop() }
        let healthy = try await harness.request("GET", "/healthz")
        #expect(healthy.status == 200)
        let ready = try await harness.request("GET", "/readyz")
        #expect(ready.status == 200)
        #expect(ready.text == "ready\n")

        // An older schema (a newer binary before `herald migrate`): not ready, and it says why.
        try harness.jobs.writer.withConnection { db in try db.execute("PRAGMA user_version = 3") }
        let outdated = try await harness.request("GET", "/readyz")
        #expect(outdated.status == 503)
        #expect(harness.errorCode(outdated) == "schema_outdated")
        #expect(outdated.text.contains("herald migrate"))
        #expect(try await harness.request("GET", "/healthz").status == 200)
    }
}
