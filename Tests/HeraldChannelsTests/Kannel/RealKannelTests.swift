import Foundation
import HeraldCore
import HeraldHTTP
import Synchronization
import Testing
@testable import HeraldChannels

/// The Kannel adapter against real Kannel: Debian's bearerbox and smsbox with
/// fakesmsc as the operator, all on loopback, started by Tests/Scripts/kannel-up.sh.
@Suite(.serialized) struct RealKannelTests {
    /// Callbacks Kannel made to the test's server: path and query.
    final class CallbackLog: Sendable {
        private let entries = Mutex<[HTTPServerRequest]>([])
        private let arrived = DispatchSemaphore(value: 0)

        func record(_ request: HTTPServerRequest) {
            entries.withLock { $0.append(request) }
            arrived.signal()
        }

        /// Waits (bounded) until `condition` holds for the log.
        func wait(seconds: Int, until condition: ([HTTPServerRequest]) -> Bool) -> [HTTPServerRequest] {
            let deadline = DispatchTime.now() + .seconds(seconds)
            while true {
                let snapshot = entries.withLock { $0 }
                if condition(snapshot) { return snapshot }
                if arrived.wait(timeout: deadline) == .timedOut { return entries.withLock { $0 } }
            }
        }
    }

    @Test func aChineseMessageIsAcceptedAndItsDeliveryReportCarriesTheDeliveryID() async throws {
        let log = CallbackLog()
        let receiver = try startTestServer { request, responder in
            log.record(request)
            responder.respond(.text(200, "OK"))
        }
        defer { receiver.stop() }
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("herald-kannel-\(UUID().uuidString)").path
        let script = packageRoot.appendingPathComponent("Tests/Scripts").path
        let moURL = "http://127.0.0.1:\(receiver.port)/callbacks/kannel/mo?from=%p&text=%a"
        let up = try TestScript.run("/bin/bash", ["\(script)/kannel-up.sh", state, moURL])
        defer {
            _ = try? TestScript.run("/bin/bash", ["\(script)/kannel-down.sh", state])
            try? FileManager.default.removeItem(atPath: state)
        }
        if up.status == 69 {
            print("RealKannelTests: Kannel is not installed (Ops/install-deps.sh --servers installs it); skipping")
            return
        }
        try #require(up.status == 0, "kannel-up.sh failed: \(up.output)")
        let settings = Dictionary(up.output.split(separator: "\n").compactMap { line -> (String, String)? in
            guard let equals = line.firstIndex(of: "=") else { return nil }
            return (String(line[..<equals]), String(line[line.index(after: equals)...]))
        }, uniquingKeysWith: { _, last in last })
        let port = try #require(settings["SENDSMS_PORT"])

        let client = try HTTPClient(configuration: .init(proxy: ""))
        defer { client.shutdown() }
        let channel = KannelChannel(
            configuration: .init(endpoint: "http://127.0.0.1:\(port)", username: try #require(settings["USERNAME"]),
                                 password: Secret(try #require(settings["PASSWORD"])), from: "10690000",
                                 callbackBase: "http://127.0.0.1:\(receiver.port)"),
            transport: client)
        let text = "【幸福里居委会】本周六上午9点在3号楼前更换灭火器，回复1报名。"
        let message = OutboundMessage(deliveryID: 424_242, recipient: Recipient(phone: try PhoneNumber(parsing: "13800000001")),
                                      text: text)
        let outcome = await channel.send(message)
        #expect(outcome == .accepted(gatewayID: nil))

        // Kannel reports 8 (delivered to the SMSC) and 1 (delivered to the phone).
        let reports = log.wait(seconds: 20) { requests in
            Set(requests.filter { $0.path == "/callbacks/kannel/dlr" }.compactMap { $0.queryValue("status") })
                .isSuperset(of: ["1", "8"])
        }.filter { $0.path == "/callbacks/kannel/dlr" }
        #expect(Set(reports.compactMap { $0.queryValue("status") }) == ["1", "8"])
        #expect(reports.allSatisfy { $0.queryValue("delivery") == "424242" })
        #expect(reports.contains { !($0.queryValue("smscid") ?? "").isEmpty })

        // The fake operator saw the text as UCS-2 and decoded it back intact.
        let fakeLog = (try? String(contentsOfFile: settings["FAKESMSC_LOG"] ?? "", encoding: .utf8)) ?? ""
        #expect(fakeLog.contains("13800000001"))

        // A resident's reply reaches the MO get-url as UTF-8.
        let mo = try TestScript.run("/bin/bash", ["\(script)/kannel-mo.sh", state, "13800000002", "10690000", "报名"])
        try #require(mo.status == 0, "kannel-mo.sh failed: \(mo.output)")
        let replies = log.wait(seconds: 20) { $0.contains { $0.path == "/callbacks/kannel/mo" } }
            .filter { $0.path == "/callbacks/kannel/mo" }
        #expect(replies.first?.queryValue("from") == "13800000002")
        #expect(replies.first?.queryValue("text") == "报名")
    }
}
