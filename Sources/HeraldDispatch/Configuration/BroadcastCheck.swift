import HeraldCore
import HeraldStore

/// What a broadcast must satisfy before it is stored, beyond what the
/// stores check: its template exists, knows every variable given and renders
/// with them, has a file for every channel of the plan; plan and audience
/// are well formed; each step's queue exists and sends that channel. One
/// check for `POST /v1/broadcasts` and `herald broadcast create`, which only
/// say where in their own words (`plan.steps[0]` or `--plan step 1`).
public enum BroadcastCheck {
    /// Why a broadcast is refused.
    public struct Problem: Error, Sendable, Hashable {
        public enum Code: String, Sendable, Hashable {
            case unknownTemplate = "unknown_template"
            case unknownVariable = "unknown_variable"
            case templateError = "template_error"
            case unknownQueue = "unknown_queue"
            case invalid
        }

        /// Where the problem is.
        public enum Place: Sendable, Hashable {
            case template, variables, plan, audience
            /// A step of the plan, from 0.
            case step(Int)
        }

        public var code: Code
        public var place: Place
        /// What is wrong, without the place.
        public var message: String
    }

    /// The template the broadcast uses, when everything checks out.
    @discardableResult
    public static func check(template name: String, variables: [String: String], plan: ChannelPlan,
                             audience: Audience, templates: TemplateCatalog,
                             queues: QueueCatalog?) throws(Problem) -> Template {
        guard let template = templates.template(named: name) else {
            throw Problem(code: .unknownTemplate, place: .template, message: "no template '\(name)'; templates: "
                          + templates.templates.map(\.name).sorted().joined(separator: ", "))
        }
        for variable in variables.keys.sorted() where template.variable(variable) == nil {
            throw Problem(code: .unknownVariable, place: .variables,
                          message: "template '\(template.name)' has no variable '\(variable)'; it declares "
                              + template.variables.map(\.name).joined(separator: ", "))
        }
        do {
            _ = try TemplateRenderer.render(template, variables: variables, builtIns: .sample)
        } catch {
            throw Problem(code: .templateError, place: .variables, message: error.description)
        }
        if let problem = plan.problem { throw Problem(code: .invalid, place: .plan, message: problem) }
        if let problem = audience.problem { throw Problem(code: .invalid, place: .audience, message: problem) }
        for (index, step) in plan.steps.enumerated() {
            if let channel = TemplateChannel(rawValue: step.channel), !template.has(channel) {
                throw Problem(code: .invalid, place: .step(index),
                              message: "template '\(template.name)' has no \(channel.file) for channel \(step.channel)")
            }
            guard let queues else { continue }
            guard let queue = queues.queue(named: step.queue) else {
                throw Problem(code: .unknownQueue, place: .step(index), message: "no queue '\(step.queue)'; queues: "
                              + queues.queues.map(\.name).sorted().joined(separator: ", "))
            }
            guard queue.channel.rawValue == step.channel else {
                throw Problem(code: .invalid, place: .step(index),
                              message: "queue '\(step.queue)' sends \(queue.channel.rawValue), not \(step.channel)")
            }
        }
        return template
    }

    /// Whether a broadcast found by its idempotency key was made by the same
    /// request as `new` (a different one with the same key is refused).
    public static func sameRequest(_ stored: Broadcast, _ new: NewBroadcast) -> Bool {
        stored.kind == new.kind && stored.template == new.template && stored.variables == new.variables
            && stored.audience == new.audience && stored.plan == new.plan && stored.activityID == new.activityID
    }
}
