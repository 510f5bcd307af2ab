import Foundation
import HeraldHTTP

/// The fields a JSON body may carry, so a misspelt field is refused instead
/// of silently ignored (`"capcity": 400` must not create an activity with
/// no places).
indirect enum JSONFields: Sendable {
    /// An object with exactly these optional fields.
    case object([String: JSONFields])
    /// An array whose elements have this shape.
    case array(JSONFields)
    /// Anything (a value Codable checks, or free-form variables).
    case any

    /// The first field in `value` that the shape does not allow, as a path.
    func unknownField(in value: Any, path: String = "") -> String? {
        switch self {
        case .any:
            return nil
        case .array(let element):
            guard let array = value as? [Any] else { return nil }
            for (index, item) in array.enumerated() {
                if let found = element.unknownField(in: item, path: "\(path)[\(index)]") { return found }
            }
            return nil
        case .object(let fields):
            guard let object = value as? [String: Any] else { return nil }
            for key in object.keys.sorted() {
                let here = path.isEmpty ? key : "\(path).\(key)"
                guard let shape = fields[key] else { return here }
                if let value = object[key], let found = shape.unknownField(in: value, path: here) { return found }
            }
            return nil
        }
    }
}

/// A request body the API decodes: Decodable plus the fields it allows.
protocol APIBody: Decodable {
    static var fields: JSONFields { get }
}

extension HTTPServerRequest {
    /// Decodes the JSON body, or throws the 4xx that says what is wrong and
    /// where: 415 for another content type, 400 for malformed JSON, 422 for
    /// an unknown field, a missing one or a wrong type.
    func decode<Body: APIBody>(_ type: Body.Type) throws(APIError) -> Body {
        if let contentType = header("Content-Type"),
           !contentType.lowercased().hasPrefix("application/json") {
            throw APIError(415, "unsupported_media_type",
                           "send the body as application/json (Content-Type was '\(contentType)')")
        }
        guard !body.isEmpty else { throw APIError.badRequest("the request needs a JSON body") }
        let data = Data(body)
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            throw APIError(400, "malformed_json", "the body is not valid JSON: \(Self.reason(error))")
        }
        if let field = Body.fields.unknownField(in: parsed) {
            throw APIError(422, "unknown_field", "unknown field '\(field)'")
        }
        do {
            return try JSONDecoder().decode(Body.self, from: data)
        } catch let error as DecodingError {
            throw APIError(422, "invalid", Self.describe(error))
        } catch let error as APIError {
            throw error
        } catch {
            throw APIError(422, "invalid", "\(error)")
        }
    }

    /// Says which field a decoding error is about and what was expected.
    static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            keys.reduce("") { text, key in
                if let index = key.intValue { return "\(text)[\(index)]" }
                return text.isEmpty ? key.stringValue : "\(text).\(key.stringValue)"
            }
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "'\(path(context.codingPath + [key]))' is required"
        case .typeMismatch(let type, let context):
            return "'\(path(context.codingPath))' must be \(name(of: type))"
        case .valueNotFound(let type, let context):
            return "'\(path(context.codingPath))' must be \(name(of: type)), not null"
        case .dataCorrupted(let context):
            let place = path(context.codingPath)
            return place.isEmpty ? context.debugDescription : "'\(place)': \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }

    private static func name(of type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type: "an integer"
        case is Double.Type: "a number"
        case is Bool.Type: "true or false"
        case is [Any].Type: "an array"
        default:
            String(describing: type).hasPrefix("Array") ? "an array"
                : String(describing: type).hasPrefix("Dictionary") ? "an object" : "a \(type)"
        }
    }

    private static func reason(_ error: any Error) -> String {
        let text = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String
        return text ?? error.localizedDescription
    }
}
