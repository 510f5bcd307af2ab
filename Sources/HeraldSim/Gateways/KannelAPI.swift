import Foundation
import HeraldChannels
import HeraldCore
import HeraldHTTP

/// Kannel's smsbox `GET /cgi-bin/sendsms`, answering as Kannel 1.4.5 does
/// (gw/smsbox.c), in `text/html` like smsbox:
///
/// - 202 `0: Accepted for delivery`
/// - 403 `Authorization failed for sendsms` (`username`/`user`, `password`/`pass`)
/// - 400 `Missing receiver number, rejected` / `Empty receiver number not allowed, rejected`
/// - 400 `Number(s) has/have been denied by white- and/or black-lists.` when
///   every receiver has a character outside `sendsms-chars` (`0123456789 +-`)
/// - 400 `Sender missing and no global set, rejected`
/// - 400 `DLR-URL field misformed, rejected`, `DLR-Mask field misformed, rejected`,
///   `Coding field misformed, rejected`, `Charset or body misformed, rejected`
/// - 503 `Temporal failure, try again later.` (not accepted, `acceptanceRate`)
///
/// A missing `text` is an empty SMS, as in Kannel. `to` may hold several
/// numbers separated by spaces. For each accepted receiver Kannel fetches
/// the `dlr-url` per `dlr-mask`: report 8 (delivered to SMSC; `%F` empty)
/// then 1 (delivered) or 2 (not delivered), and a reply (MO) may follow on
/// the `kannel.mo` route. As observed with a real Kannel, `%p` in a report
/// is the handset and `%P` the sender.
enum KannelAPI {
    /// Query parameters of the dlr-url that carry Herald's delivery id.
    static let deliveryParameters = ["delivery", "delivery_id", "deliveryId"]
    static let sendsmsChars = Set("0123456789 +-")
    static let knownCharsets: Set<String> = ["UTF-8", "UTF8", "UCS-2", "UCS2", "UTF-16BE", "ISO-8859-1", "LATIN1",
                                             "US-ASCII", "ASCII", "WINDOWS-1252", "GB2312", "GBK", "GB18030", "BIG5"]

    static func send(_ exchange: inout GatewayExchange, _ state: inout SimulatorState) -> GatewayReply {
        let request = exchange.request
        func value(_ names: String...) -> String? {
            for name in names { if let value = request.queryValue(name) { return value } }
            return nil
        }
        func refuse(_ status: Int, _ text: String) -> GatewayReply {
            GatewayReply(answer(status, text), action: "sendsms", outcome: .rejected(code: text))
        }

        let credentials = exchange.credentials
        guard value("username", "user") == credentials.kannelUsername,
              value("password", "pass") == credentials.kannelPassword else {
            return refuse(403, "Authorization failed for sendsms")
        }
        guard let to = value("to") else { return refuse(400, "Missing receiver number, rejected") }
        guard !to.isEmpty else { return refuse(400, "Empty receiver number not allowed, rejected") }
        var receivers: [String] = []
        for word in to.split(whereSeparator: \.isWhitespace).map(String.init)
        where word.allSatisfy(sendsmsChars.contains) && !receivers.contains(word) {
            receivers.append(word)
        }
        guard !receivers.isEmpty else {
            return refuse(400, "Number(s) has/have been denied by white- and/or black-lists.")
        }
        guard let from = value("from"), !from.isEmpty else {
            return refuse(400, "Sender missing and no global set, rejected")
        }
        let dlrURL = value("dlr-url", "dlrurl") ?? ""
        if !dlrURL.isEmpty {
            let lower = dlrURL.lowercased()
            guard dlrURL.count >= 8, lower.hasPrefix("http://") || lower.hasPrefix("https://") else {
                return refuse(400, "DLR-URL field misformed, rejected")
            }
        }
        let dlrMask = value("dlr-mask", "dlrmask").map(leadingInteger) ?? 0
        guard (-1...63).contains(dlrMask) else { return refuse(400, "DLR-Mask field misformed, rejected") }
        if let coding = value("coding").map(leadingInteger), !(-1...2).contains(coding) {
            return refuse(400, "Coding field misformed, rejected")
        }
        if let charset = value("charset"), !charset.isEmpty, !knownCharsets.contains(charset.uppercased()) {
            return refuse(400, "Charset or body misformed, rejected")
        }

        let deliveryID = deliveryID(inDLRURL: dlrURL)
        let accepted = exchange.random.chance(exchange.behaviour.acceptanceRate)
        var reply: GatewayReply
        if accepted {
            reply = GatewayReply(answer(202, "0: Accepted for delivery"), action: "sendsms", outcome: .accepted)
            reply.sent = true
        } else {
            reply = refuse(503, "Temporal failure, try again later.")
        }
        reply.recipients = receivers.map(SimulatorRequestRecord.masked)
        reply.deliveryID = deliveryID
        guard accepted else { return reply }
        for receiver in receivers {
            reply.callbacks += reports(for: receiver, from: from, dlrURL: dlrURL, mask: dlrMask,
                                       deliveryID: deliveryID, exchange: &exchange)
        }
        return reply
    }

    /// The delivery reports (and maybe a reply) for one receiver; the draws
    /// are made whatever the mask, so the mask does not shift later ones.
    private static func reports(for receiver: String, from: String, dlrURL: String, mask: Int, deliveryID: String?,
                                exchange: inout GatewayExchange) -> [CallbackPlan] {
        let delivered = exchange.random.chance(exchange.behaviour.deliveryRate)
        let replies = exchange.random.chance(exchange.behaviour.replyRate)
        let replyText = exchange.random.element(of: exchange.behaviour.replyTexts) ?? "1"
        let smscID = exchange.random.uuid()
        let firstID = exchange.random.uuid(), secondID = exchange.random.uuid()
        let smscDelay = exchange.callbackDelay(), finalDelay = exchange.callbackDelay()
        let replyDelay = exchange.callbackDelay()

        // Offsets from the request, in simulated seconds: 8, then 1 or 2, then the reply.
        let smscAt = smscDelay, finalAt = smscDelay + finalDelay, replyAt = finalAt + replyDelay
        var timed: [(at: Double, plan: CallbackPlan)] = []
        func report(_ value: Int, at offset: Double, messageID: String, smscMessageID: String, reply: String) {
            let time = exchange.unixNow + Int(offset)
            let url = KannelEscapes.expand(dlrURL, [
                "d": String(value), "T": String(time), "p": receiver, "P": from, "A": reply,
                "F": smscMessageID, "I": messageID, "i": "sim", "n": "sim",
                "t": SimulatorTime.civil(time + SimulatorTime.chinaOffsetSeconds, separator: " "),
            ])
            timed.append((offset, CallbackPlan(kind: .kannelDeliveryReport, method: .get, url: url, delaySeconds: 0,
                                               deliveryID: deliveryID)))
        }
        if !dlrURL.isEmpty {
            if mask & 8 != 0 {
                report(8, at: smscAt, messageID: firstID, smscMessageID: "", reply: "ACK/")
            }
            let status = delivered ? "stat:DELIVRD err:000" : "stat:UNDELIV err:001"
            let smppText = "id:\(smscID) sub:001 dlvrd:\(delivered ? "001" : "000") \(status) text:"
            if delivered, mask & 1 != 0 {
                report(1, at: finalAt, messageID: secondID, smscMessageID: smscID, reply: smppText)
            } else if !delivered, mask & 2 != 0 {
                report(2, at: finalAt, messageID: secondID, smscMessageID: smscID, reply: smppText)
            }
        }
        if delivered, replies, let template = exchange.callbackURL(.kannelReply) {
            let url = KannelEscapes.expand(template, [
                "p": receiver, "P": from, "a": replyText, "b": replyText, "i": "sim",
                "T": String(exchange.unixNow + Int(replyAt)),
            ])
            timed.append((replyAt, CallbackPlan(kind: .kannelReply, method: .get, url: url, delaySeconds: 0,
                                                deliveryID: nil)))
        }
        return CallbackPlan.sequence(timed)
    }

    /// The delivery id Herald put in the dlr-url's query, if any.
    static func deliveryID(inDLRURL url: String) -> String? {
        guard let mark = url.firstIndex(of: "?") else { return nil }
        let items = HTTPQueryItem.decode(query: String(url[url.index(after: mark)...]))
        for name in deliveryParameters {
            if let value = items.first(where: { $0.name == name })?.value, !value.isEmpty { return value }
        }
        return nil
    }

    /// `sscanf("%d")`: the leading integer of `text`, 0 when there is none.
    static func leadingInteger(_ text: String) -> Int {
        let trimmed = text.drop { $0 == " " }
        var digits = ""
        for (index, character) in trimmed.enumerated() {
            if character.isASCII, character.isNumber || (index == 0 && (character == "-" || character == "+")) {
                digits.append(character)
            } else {
                break
            }
        }
        return Int(digits) ?? 0
    }

    /// smsbox answers with `Content-type: text/html` whatever it says.
    static func answer(_ status: Int, _ text: String) -> HTTPServerResponse {
        HTTPServerResponse(status: status, headers: [HTTPField("Content-Type", "text/html")], body: Array(text.utf8))
    }

    /// A 429 from a proxy in front of Kannel (Kannel itself never sends one).
    static func tooManyRequests() -> HTTPServerResponse {
        answer(429, "Too Many Requests")
    }
}
