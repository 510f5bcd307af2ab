import HeraldChannels
import HeraldHTTP
import HeraldStore

extension APIRequest {
    /// Runs `body` for a request signed with `WebhookSignature` (the mini
    /// program's sign-ups): the signature must match the body under
    /// `HERALD_WEBHOOK_SECRET`, its timestamp be within the window, and the
    /// signature not have been used before. The signature is kept as used
    /// only when `body` succeeds, so a request Herald failed to record can
    /// be sent again.
    ///
    /// - Throws: 503 when no secret is configured; 401 for a missing,
    ///   malformed, stale or wrong signature; 409 for a replay.
    func signedWebhook<T>(_ body: () throws -> T) throws -> T {
        guard let secret = context.configuration.webhookSecret else {
            throw APIError(503, "webhook_secret_unset",
                           "signed webhooks are off: the server has no \(ServerConfiguration.Variable.webhookSecret)")
        }
        let maxAge = context.configuration.webhookMaxAge
        let now = context.clock.now()
        let signature = http.header(WebhookSignature.signatureHeader)
        let verdict = try WebhookSignature.verify(secret: secret, timestamp: http.header(WebhookSignature.timestampHeader),
                                                  signature: signature, body: http.body,
                                                  now: Int(now.timeIntervalSince1970), maxAge: maxAge)
        guard verdict.isValid, let signature else {
            throw APIError(401, "bad_signature", Self.explain(verdict, maxAge: maxAge))
        }
        let used = signature.lowercased()
        // Twice the window: a timestamp up to maxAge ahead of the clock is
        // accepted, and stays replayable until maxAge past it.
        let window = Int64(maxAge) * 2_000 + 1_000
        let fresh = try context.write { db in try WebhookReplays.claim(used, at: now.unixMilliseconds, window: window, db: db) }
        guard fresh else {
            throw APIError(409, "replayed", "this signature was already used; sign each request afresh")
        }
        do {
            return try body()
        } catch {
            try? context.write { db in try WebhookReplays.release(used, db: db) }
            throw error
        }
    }

    private static func explain(_ verdict: WebhookSignature.Verdict, maxAge: Int) -> String {
        let headers = "\(WebhookSignature.timestampHeader) and \(WebhookSignature.signatureHeader)"
        return switch verdict {
        case .missingHeader: "send \(headers) (see docs/CALLBACKS.md)"
        case .malformedTimestamp: "\(WebhookSignature.timestampHeader) must be the Unix time in seconds"
        case .stale: "\(WebhookSignature.timestampHeader) is more than \(maxAge) s from the server's clock"
        case .malformedSignature: "\(WebhookSignature.signatureHeader) must be v1= followed by the hex HMAC-SHA256"
        case .mismatch, .valid: "the signature does not match the body and timestamp"
        }
    }
}
