import Foundation

/// One adapter's mapping from gateway answer codes to what the dispatcher
/// should do, kept in one place so every row can be read and tested alone.
///
/// Codes are the gateway's own strings: Alibaba `isv.AMOUNT_NOT_ENOUGH`,
/// Tencent `FailedOperation.InsufficientBalanceInSmsPackage`, WeChat errcode
/// `43101` (as text), a Kannel answer prefix such as `0:`. A row matches a
/// code exactly or, when marked `.prefix`, any code that starts with it
/// (Tencent's `InternalError.*`); exact rows win over prefix rows, and a
/// longer prefix over a shorter one.
///
/// A code with no row gets the table's default: `.retry` with a reason that
/// names the code, so the dispatcher's bounded retries apply and the code
/// shows up in the delivery's history (adapters also log it). HTTP-level and
/// transport rules shared by every adapter are in `OutcomeTable+HTTPRules.swift`.
public struct OutcomeTable: Sendable {
    /// The class of outcome a row gives.
    public enum Verdict: String, Sendable, Hashable, CaseIterable, Codable {
        case accepted
        case retry
        case rateLimited
        case permanent
        case gatewayFailure
    }

    /// One gateway code and what it means.
    public struct Row: Sendable, Hashable, CustomStringConvertible {
        public enum Match: Sendable, Hashable {
            case exact
            case prefix
        }

        public var code: String
        public var match: Match
        public var verdict: Verdict
        /// What the code means for Herald, in words for the delivery history.
        public var reason: String
        /// For `.retry` and `.rateLimited`: how long to wait when the code
        /// itself implies it (a daily cap, a per-minute cap). Nil lets a
        /// `Retry-After` header or the dispatcher's backoff decide.
        public var delay: Duration?

        public init(_ code: String, _ verdict: Verdict, _ reason: String,
                    match: Match = .exact, delay: Duration? = nil) {
            self.code = code
            self.match = match
            self.verdict = verdict
            self.reason = reason
            self.delay = delay
        }

        public var description: String {
            "\(code)\(match == .prefix ? "*" : "") → \(verdict.rawValue)"
        }
    }

    /// The gateway's name as reasons show it, e.g. "Alibaba SMS".
    public let gateway: String
    /// Every row, in the order written.
    public let rows: [Row]
    /// What a timeout or a lost connection means for duplicates on this
    /// gateway, appended to those retry reasons (e.g. "SendSms is not
    /// idempotent: a retry may send the SMS twice").
    public let duplicateRisk: String

    private let exactRows: [String: Row]
    private let prefixRows: [Row]

    /// - Precondition: no code appears twice with the same match kind.
    public init(gateway: String, duplicateRisk: String, rows: [Row]) {
        self.gateway = gateway
        self.duplicateRisk = duplicateRisk
        self.rows = rows
        var exact: [String: Row] = [:]
        for row in rows where row.match == .exact {
            precondition(exact.updateValue(row, forKey: row.code) == nil,
                         "\(gateway) outcome table lists \(row.code) twice")
        }
        exactRows = exact
        let prefixes = rows.filter { $0.match == .prefix }
        precondition(Set(prefixes.map(\.code)).count == prefixes.count,
                     "\(gateway) outcome table lists a prefix twice")
        prefixRows = prefixes.sorted { $0.code.count > $1.code.count }
    }

    /// The row for `code`: an exact row, else the longest matching prefix row.
    public func row(for code: String) -> Row? {
        if let row = exactRows[code] { return row }
        return prefixRows.first { code.hasPrefix($0.code) }
    }

    /// The outcome for a recognised row.
    ///
    /// - Parameters:
    ///   - message: the gateway's own words, added to the reason (cleaned by
    ///     `OutcomeTable.gatewayText(_:)`).
    ///   - gatewayID: the gateway's id for an accepted message.
    ///   - retryAfter: a `Retry-After` delay, used by `.retry` and
    ///     `.rateLimited` rows that set no delay of their own.
    public func outcome(for row: Row, code: String, message: String? = nil, gatewayID: String? = nil,
                        retryAfter: Duration? = nil) -> SendOutcome {
        let reason = reasonText(code: code, meaning: row.reason, message: message)
        switch row.verdict {
        case .accepted: return .accepted(gatewayID: gatewayID)
        case .retry: return .retry(after: row.delay ?? retryAfter, reason: reason)
        case .rateLimited: return .rateLimited(retryAfter: row.delay ?? retryAfter, reason: reason)
        case .permanent: return .permanent(reason: reason)
        case .gatewayFailure: return .gatewayFailure(reason: reason)
        }
    }

    /// The default for a code with no row: a bounded retry naming the code.
    public func unknownCodeOutcome(code: String, message: String?, retryAfter: Duration? = nil) -> SendOutcome {
        .retry(after: retryAfter,
               reason: reasonText(code: code, meaning: "unknown answer code, not in Herald's table; retrying",
                                  message: message))
    }

    /// "Alibaba SMS isv.MOBILE_NUMBER_ILLEGAL: <meaning> (gateway said: <message>)".
    func reasonText(code: String, meaning: String, message: String?) -> String {
        var text = "\(gateway) \(Self.gatewayText(code)): \(meaning)"
        if let message, !message.isEmpty {
            let cleaned = Self.gatewayText(message)
            if cleaned != Self.gatewayText(code) { text += " (gateway said: \(cleaned))" }
        }
        return text
    }

    /// Gateway text made safe to keep in a delivery's history and logs: at
    /// most 200 characters on one line, and any run of 7 or more digits
    /// (a phone number a gateway may echo) replaced by `…`.
    static func gatewayText(_ text: String) -> String {
        var result = ""
        var digits = ""
        func flushDigits() {
            result += digits.count >= 7 ? "…" : digits
            digits = ""
        }
        for character in text.prefix(200) {
            if character.isASCII, character.isNumber {
                digits.append(character)
                continue
            }
            flushDigits()
            result.append(character.isNewline ? " " : character)
        }
        flushDigits()
        return result.trimmingCharacters(in: .whitespaces)
    }
}
