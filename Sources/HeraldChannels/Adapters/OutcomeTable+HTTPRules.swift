import Foundation
import HeraldCore

/// What an adapter read in a gateway's response body.
enum GatewayAnswer: Sendable, Hashable {
    /// A code to look up in the adapter's table; success codes included
    /// (Alibaba `OK`, Tencent `Ok`, WeChat `0`, Kannel `0:`).
    case code(String, message: String?, gatewayID: String?)
    /// Success in a wire format whose success carries no code (Tencent
    /// voice's `SendStatus`, a webhook's 2xx, the generic success rule).
    case succeeded(gatewayID: String?)
    /// The body is not this gateway's answer (not JSON, fields missing).
    case unreadable
}

/// The rules every adapter shares, applied around its own table:
///
/// - transport errors: timeout and lost connection → `.retry`, saying the
///   gateway may have taken the message (plus the table's `duplicateRisk`);
///   refused, DNS and TLS failures → `.retry` (nothing was sent); cancelled
///   → `.retry`; an unusable request → `.permanent`;
/// - HTTP 429 → `.rateLimited`, after `Retry-After` when given, whatever the body says;
/// - a recognised gateway code → the table's row (`Retry-After` fills in the
///   delay of `.retry` and `.rateLimited` rows that set none);
/// - 5xx with no recognised code → `.retry` after `Retry-After`;
/// - 401/403 with no recognised code → `.gatewayFailure` (credentials);
/// - 2xx whose body cannot be read → `.retry`, "malformed response";
/// - an unknown code on any other status → the table's default (bounded
///   retry naming the code), and the code is logged.
extension OutcomeTable {
    /// The outcome of one exchange; `read` turns a response into the
    /// adapter's answer.
    func outcome(for result: Result<HTTPResponse, HTTPClientError>, now: Date, logger: Logger,
                 read: (HTTPResponse) -> GatewayAnswer) -> SendOutcome {
        switch result {
        case .failure(let error):
            return transportOutcome(error)
        case .success(let response):
            return responseOutcome(response, answer: read(response), now: now, logger: logger)
        }
    }

    /// The shared rules for an exchange that produced no HTTP response.
    func transportOutcome(_ error: HTTPClientError) -> SendOutcome {
        let detail = Self.gatewayText(error.message)
        switch error.kind {
        case .timeout:
            return .retry(after: nil, reason: "\(gateway): timed out (\(detail)); the gateway may have "
                          + "taken the message before the answer was lost. \(duplicateRisk)")
        case .connectionLost:
            return .retry(after: nil, reason: "\(gateway): connection lost before the answer (\(detail)); "
                          + "the gateway may have taken the message. \(duplicateRisk)")
        case .responseTooLarge:
            return .retry(after: nil, reason: "\(gateway): the answer was too large to read (\(detail)); "
                          + "the gateway may have taken the message. \(duplicateRisk)")
        case .other:
            return .retry(after: nil, reason: "\(gateway): transport error (\(detail)); the message may have "
                          + "been sent. \(duplicateRisk)")
        case .refused, .dns, .tls:
            return .retry(after: nil, reason: "\(gateway): could not reach the gateway "
                          + "(\(error.kind.rawValue): \(detail)); nothing was sent")
        case .cancelled:
            return .retry(after: nil, reason: "\(gateway): the request was cancelled (\(detail)) before an answer")
        case .invalidRequest:
            return .permanent(reason: "\(gateway): the request could not be sent (\(detail))")
        }
    }

    /// The shared HTTP rules around this table for one response.
    func responseOutcome(_ response: HTTPResponse, answer: GatewayAnswer, now: Date, logger: Logger) -> SendOutcome {
        let status = response.status
        let retryAfter = response.retryAfter(now: now)
        if status == 429 {
            var reason = "\(gateway) answered HTTP 429 Too Many Requests"
            if case .code(let code, _, _) = answer, code != String(status) { reason += " (\(Self.gatewayText(code)))" }
            return .rateLimited(retryAfter: retryAfter, reason: reason)
        }
        switch answer {
        case .succeeded(let gatewayID) where response.isSuccess:
            return .accepted(gatewayID: gatewayID)
        case .succeeded, .unreadable:
            return statusOutcome(status: status, retryAfter: retryAfter)
        case .code(let code, let message, let gatewayID):
            if let row = row(for: code) {
                return outcome(for: row, code: code, message: message, gatewayID: gatewayID, retryAfter: retryAfter)
            }
            logger.warning("gateway answered with a code Herald's table does not know", [
                "gateway": .string(gateway), "code": .string(Self.gatewayText(code)), "status": .int(status),
            ])
            if (500...599).contains(status) {
                return .retry(after: retryAfter,
                              reason: reasonText(code: code, meaning: "HTTP \(status) with an unknown answer code; retrying",
                                                 message: message))
            }
            if status == 401 || status == 403 {
                return .gatewayFailure(
                    reason: reasonText(code: code, meaning: "HTTP \(status) with an unknown answer code: "
                                       + "the gateway refuses Herald's credentials; check the queue's credentials",
                                       message: message))
            }
            return unknownCodeOutcome(code: code, message: message, retryAfter: retryAfter)
        }
    }

    /// The rules for a response whose body gave no usable answer.
    private func statusOutcome(status: Int, retryAfter: Duration?) -> SendOutcome {
        switch status {
        case 500...599:
            return .retry(after: retryAfter, reason: "\(gateway) answered HTTP \(status)")
        case 401, 403:
            return .gatewayFailure(reason: "\(gateway) answered HTTP \(status) with no recognisable answer code: "
                                   + "the gateway refuses Herald's credentials; check the queue's credentials")
        case 200...299:
            return .retry(after: nil, reason: "\(gateway): malformed response (HTTP \(status), "
                          + "the body is not a recognisable answer)")
        default:
            return .retry(after: retryAfter, reason: "\(gateway) answered HTTP \(status) with no recognisable answer code")
        }
    }
}
