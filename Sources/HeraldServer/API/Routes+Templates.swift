import Foundation
import HeraldCore
import HeraldHTTP

/// A template as `GET /v1/templates` lists it.
struct TemplateView: Encodable {
    struct Variable: Encodable {
        var name: String
        var description: String
        var example: String
        var maxLength: Int?

        enum CodingKeys: String, CodingKey {
            case name, description, example
            case maxLength = "max_length"
        }
    }

    var name: String
    var title: String
    var kind: String
    var channels: [String]
    var variables: [Variable]

    init(_ template: Template) {
        name = template.name
        title = template.title
        kind = template.kind.rawValue
        channels = template.channels.map(\.rawValue)
        variables = template.variables.map {
            Variable(name: $0.name, description: $0.description, example: $0.example, maxLength: $0.maxLength)
        }
    }
}

/// Every channel of a template rendered for a sample resident.
struct TemplatePreviewView: Encodable {
    struct SMS: Encodable {
        var text: String
        /// How many SMS the text is sent as, in which encoding, of how many units.
        var segments: Int
        var encoding: String
        var units: Int
    }

    struct Voice: Encodable {
        var text: String
        var characters: Int
    }

    struct Push: Encodable {
        var page: String?
        var data: [String: String]
    }

    var template: String
    var kind: String
    var sms: SMS?
    var voice: Voice?
    var push: Push?
}

struct TemplatePreviewBody: APIBody {
    var variables: [String: String]?
    var residentName: String?
    var committeeName: String?

    enum CodingKeys: String, CodingKey {
        case variables
        case residentName = "resident_name"
        case committeeName = "committee_name"
    }

    static let fields: JSONFields = .object(["variables": .any, "resident_name": .any, "committee_name": .any])
}

extension Routes {
    mutating func addTemplateRoutes() {
        add("GET", "/v1/templates", .token) { request in
            try .api(200, ["templates": request.context.templates.templates.sorted { $0.name < $1.name }
                .map(TemplateView.init)])
        }
        // Renders with the template's examples, overridden by the body's variables.
        add("POST", "/v1/templates/{name}/preview", .token) { request in
            let name = request.http.pathParameter("name") ?? ""
            guard let template = request.context.templates.template(named: name) else {
                throw APIError.notFound("template '\(name)'")
            }
            let body = request.http.body.isEmpty ? TemplatePreviewBody() : try request.http.decode(TemplatePreviewBody.self)
            for variable in (body.variables ?? [:]).keys.sorted() where template.variable(variable) == nil {
                throw APIError(422, "unknown_variable", "template '\(name)' has no variable '\(variable)'")
            }
            var builtIns = TemplateBuiltIns.sample
            if let resident = body.residentName { builtIns.residentName = resident }
            if let committee = body.committeeName { builtIns.committeeName = committee }
            let rendered: RenderedTemplate
            do {
                rendered = try TemplateRenderer.renderExample(template, overriding: body.variables ?? [:], builtIns: builtIns)
            } catch {
                throw APIError(422, "template_error", "\(error)")
            }
            let sms = rendered.sms.map { text in
                let segments = SMSSegments(counting: text)
                return TemplatePreviewView.SMS(text: text, segments: segments.count, encoding: segments.encoding.rawValue,
                                               units: segments.units)
            }
            let push = rendered.hasPush ? TemplatePreviewView.Push(
                page: rendered.pushPage,
                data: Dictionary(rendered.pushData.map { ($0.name, $0.value) }) { first, _ in first }) : nil
            return try .api(200, TemplatePreviewView(
                template: template.name, kind: template.kind.rawValue, sms: sms,
                voice: rendered.voice.map { .init(text: $0, characters: $0.unicodeScalars.count) }, push: push))
        }
    }
}
