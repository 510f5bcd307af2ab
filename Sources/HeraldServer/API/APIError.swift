import Foundation
import HeraldHTTP
import HeraldStore

/// A request Herald refuses, as the one error shape
/// `{"error":{"code","message"}}` with its HTTP status.
///
/// `code` is stable snake_case for programs; `message` says what and where
/// for people.
public struct APIError: Error, Sendable, Hashable, CustomStringConvertible {
    public var status: Int
    public var code: String
    public var message: String

    public init(_ status: Int, _ code: String, _ message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    public var description: String { "\(status) \(code): \(message)" }

    var response: HTTPServerResponse { .error(status: status, code: code, message: message) }

    static func badRequest(_ message: String) -> APIError { APIError(400, "bad_request", message) }
    static func invalid(_ message: String) -> APIError { APIError(422, "invalid", message) }
    static func notFound(_ what: String) -> APIError { APIError(404, "not_found", "\(what) does not exist") }
    static let unauthenticated = APIError(401, "unauthenticated",
                                          "send 'Authorization: Bearer <token>' with a valid, unrevoked token")
    static let forbidden = APIError(403, "forbidden", "this route needs an admin token")

    /// The API's answer for an error thrown by a store or the domain.
    static func from(_ error: any Error) -> APIError {
        switch error {
        case let error as APIError:
            return error
        case let error as RecordError:
            let message = error.description
            switch error.code {
            case .invalid: return APIError(422, "invalid", message)
            case .notFound: return APIError(404, "not_found", message)
            case .conflict: return APIError(409, "conflict", message)
            }
        case let error as ActivityError:
            return APIError(422, "invalid", error.description)
        default:
            return APIError(500, "internal", "the server failed: \(error)")
        }
    }
}
