import Foundation

/// A text with `{{…}}` placeholders from a queue file's `gateway.http`
/// block, parsed once when the channel is built and filled per message.
///
/// Placeholders: `{{delivery_id}}`, `{{committee_id}}`, `{{attempt}}`,
/// `{{phone}}` (E.164), `{{phone_national}}`, `{{openid}}`, `{{text}}`,
/// `{{template}}`, `{{page}}`, `{{param.NAME}}` and `{{env:NAME}}` (an
/// environment variable, read when the channel is built). Every value,
/// environment values included, goes through the context's encoder when the
/// template is filled; the literal text around them does not.
struct MessageTemplate: Sendable, Hashable {
    enum Field: Sendable, Hashable {
        case deliveryID, committeeID, attempt, phone, phoneNational, openID, text, template, page
        case parameter(String)

        /// The fields whose values are digits only, safe in a header as is.
        var isNumeric: Bool {
            switch self {
            case .deliveryID, .committeeID, .attempt: true
            default: false
            }
        }
    }

    enum Part: Sendable, Hashable {
        case literal(String)
        /// An environment variable's value.
        case value(String)
        case field(Field)
    }

    let parts: [Part]

    /// The fields the template uses.
    var fields: [Field] {
        parts.compactMap { if case .field(let field) = $0 { field } else { nil } }
    }

    /// Parses `text`; `field` names the queue-file field in errors.
    static func parse(_ text: String, queue: String, field: String,
                      environment: [String: String]) throws(ChannelError) -> MessageTemplate {
        var parts: [Part] = []
        var rest = Substring(text)
        while let open = rest.range(of: "{{") {
            if open.lowerBound > rest.startIndex { parts.append(.literal(String(rest[..<open.lowerBound]))) }
            guard let close = rest[open.upperBound...].range(of: "}}") else {
                throw ChannelError(.invalidHTTPSpec, "a \"{{\" has no closing \"}}\"", queue: queue, field: field)
            }
            let name = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            parts.append(try placeholder(name, queue: queue, field: field, environment: environment))
            rest = rest[close.upperBound...]
        }
        if !rest.isEmpty { parts.append(.literal(String(rest))) }
        return MessageTemplate(parts: parts)
    }

    private static func placeholder(_ name: String, queue: String, field: String,
                                    environment: [String: String]) throws(ChannelError) -> Part {
        switch name {
        case "delivery_id": return .field(.deliveryID)
        case "committee_id": return .field(.committeeID)
        case "attempt": return .field(.attempt)
        case "phone": return .field(.phone)
        case "phone_national": return .field(.phoneNational)
        case "openid": return .field(.openID)
        case "text": return .field(.text)
        case "template": return .field(.template)
        case "page": return .field(.page)
        default: break
        }
        if name.hasPrefix("param."), name.count > "param.".count {
            return .field(.parameter(String(name.dropFirst("param.".count))))
        }
        if name.hasPrefix("env:"), name.count > "env:".count {
            let variable = String(name.dropFirst("env:".count))
            guard let value = environment[variable], !value.isEmpty else {
                throw ChannelError(.missingEnvironmentVariable,
                                   "{{env:\(variable)}} reads environment variable \(variable), which is not set "
                                   + "or empty; export \(variable) before starting Herald",
                                   queue: queue, field: field)
            }
            return .value(value)
        }
        throw ChannelError(.invalidHTTPSpec,
                           "unknown placeholder {{\(name)}}; use delivery_id, committee_id, attempt, phone, "
                           + "phone_national, openid, text, template, page, param.NAME or env:NAME",
                           queue: queue, field: field)
    }

    /// The text for `message`, every inserted value passed through `encode`.
    /// Throws `.unsendableMessage` when the message lacks a value the
    /// template needs (no phone for `{{phone}}`).
    func render(_ message: OutboundMessage, encode: (String) -> String) throws(ChannelError) -> String {
        var text = ""
        for part in parts {
            switch part {
            case .literal(let literal): text += literal
            case .value(let value): text += encode(value)
            case .field(let field): text += encode(try Self.value(of: field, in: message))
            }
        }
        return text
    }

    private static func value(of field: Field, in message: OutboundMessage) throws(ChannelError) -> String {
        switch field {
        case .deliveryID: return String(message.deliveryID)
        case .committeeID: return String(message.committeeID)
        case .attempt: return String(message.attempt)
        case .text: return message.text
        case .phone, .phoneNational:
            guard let phone = message.recipient.phone else {
                throw .unsendable("the gateway request needs a phone number and the resident has none")
            }
            return field == .phone ? phone.e164 : phone.nationalNumber
        case .openID:
            guard let openID = message.recipient.openID, !openID.isEmpty else {
                throw .unsendable("the gateway request needs an openid and the resident has none")
            }
            return openID
        case .template:
            guard let template = message.templateCode, !template.isEmpty else {
                throw .unsendable("the gateway request needs a template code and the message has none")
            }
            return template
        case .page:
            return message.page ?? ""
        case .parameter(let name):
            guard let parameter = message.parameters.first(where: { $0.name == name }) else {
                throw .unsendable("the gateway request needs template parameter \"\(name)\" and the message has none")
            }
            return parameter.value
        }
    }
}
