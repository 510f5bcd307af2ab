import CCrypto
import Foundation

/// Who an API token speaks for.
public enum Principal: Sendable, Hashable {
    /// Sees status and every committee.
    case admin
    /// Sees and changes only this committee's records.
    case committee(Int64)
}

/// An API token as stored: never the token itself, only its SHA-256 hash and
/// a short prefix that names it in lists.
public struct APIToken: Sendable, Hashable {
    public var id: Int64
    public var principal: Principal
    public var name: String
    /// The token's first characters ("hrd_ab12cd"), enough to tell tokens apart.
    public var prefix: String
    public var createdAt: Int64
    public var revokedAt: Int64?
}

/// Tokens: made from 32 random bytes, shown once, stored hashed, checked in
/// constant time, revocable.
public enum TokenStore {
    static let marker = "hrd_"

    /// Creates a token; the returned plain text is the only copy there will be.
    public static func create(for principal: Principal, name: String, at now: Int64,
                              db: Database) throws -> (token: String, record: APIToken) {
        let name = name.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, name.count <= 60 else {
            throw RecordError(.invalid, field: "name", "a token needs a name of 1–60 characters (who uses it)")
        }
        if case .committee(let id) = principal, try CommitteeStore.find(id: id, db: db) == nil {
            throw RecordError(.notFound, field: "committee", "committee \(id) does not exist")
        }
        var random = [UInt8](repeating: 0, count: 32)
        guard RAND_bytes(&random, 32) == 1 else {
            throw RecordError(.invalid, "the system random generator failed; no token was made")
        }
        let token = marker + random.map { String(format: "%02x", $0) }.joined()
        let prefix = String(token.prefix(marker.count + 6))
        let committee: Int64? = if case .committee(let id) = principal { id } else { nil }
        try db.cached("INSERT INTO api_tokens (committee_id, name, prefix, hash, created_at) VALUES (?, ?, ?, ?, ?)")
            .execute([committee, name, prefix, Data(try hash(token)), now])
        return (token, APIToken(id: db.lastInsertRowID, principal: principal, name: name, prefix: prefix,
                                createdAt: now, revokedAt: nil))
    }

    /// The principal a presented token speaks for, or nil when it is unknown
    /// or revoked. The row is found by the token's hash, and the stored hash
    /// is compared again in constant time.
    public static func authenticate(_ token: String, db: Database) throws -> Principal? {
        guard token.hasPrefix(marker), token.utf8.count == marker.count + 64 else { return nil }
        let presented = try hash(token)
        let found = try db.cached("SELECT committee_id, hash FROM api_tokens WHERE hash = ? AND revoked_at IS NULL")
            .firstRow([Data(presented)]) { row in (row.optionalInt64(0), [UInt8](row.data(1))) }
        guard let (committee, stored) = found, stored.count == presented.count,
              CRYPTO_memcmp(stored, presented, presented.count) == 0 else { return nil }
        return committee.map(Principal.committee) ?? .admin
    }

    /// Every token, newest first; only one committee's with `committee`.
    public static func list(committee: Int64? = nil, db: Database) throws -> [APIToken] {
        let sql = "SELECT id, committee_id, name, prefix, created_at, revoked_at FROM api_tokens"
            + (committee == nil ? "" : " WHERE committee_id = ?") + " ORDER BY id DESC"
        return try db.cached(sql).rows(committee.map { [$0] } ?? []) { row in
            APIToken(id: row.int64(0), principal: row.optionalInt64(1).map(Principal.committee) ?? .admin,
                     name: row.string(2), prefix: row.string(3), createdAt: row.int64(4), revokedAt: row.optionalInt64(5))
        }
    }

    /// Revokes a token by id or prefix; revoking twice is harmless. False when none matched.
    @discardableResult
    public static func revoke(_ idOrPrefix: String, at now: Int64, db: Database) throws -> Bool {
        if let id = Int64(idOrPrefix) {
            try db.cached("UPDATE api_tokens SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?").execute([now, id])
        } else {
            guard idOrPrefix.hasPrefix(marker), idOrPrefix.count >= marker.count + 6 else {
                throw RecordError(.invalid, field: "token", "give the token's id or its prefix (hrd_ and 6 characters)")
            }
            let matches = try db.scalarInt("SELECT count(*) FROM api_tokens WHERE prefix = ?", [String(idOrPrefix.prefix(marker.count + 6))]) ?? 0
            guard matches <= 1 else {
                throw RecordError(.conflict, field: "token", "the prefix matches \(matches) tokens; use the id")
            }
            try db.cached("UPDATE api_tokens SET revoked_at = coalesce(revoked_at, ?) WHERE prefix = ?")
                .execute([now, String(idOrPrefix.prefix(marker.count + 6))])
        }
        return db.changes > 0
    }

    /// SHA-256 of the token's UTF-8 bytes.
    static func hash(_ token: String) throws -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let bytes = Array(token.utf8)
        guard EVP_Digest(bytes, bytes.count, &digest, &length, EVP_sha256(), nil) == 1 else {
            throw RecordError(.invalid, "SHA-256 failed in libcrypto; no token was checked")
        }
        return Array(digest.prefix(Int(length)))
    }
}
