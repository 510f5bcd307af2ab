/// A resident-facing message template: what `Templates/<name>/` holds.
///
/// `template.json` declares the variables and the gateway template codes;
/// `sms.txt`, `voice.txt` and `push.json` are the channel files, each
/// optional but at least one present. The texts are kept as written, with
/// their `{{variable}}` placeholders: `TemplateRenderer` parses and fills
/// them, `TemplateLint` checks them. Templates/README.md describes the
/// format for the staff who write them.
///
/// Sendable: a value type of strings.
public struct Template: Sendable, Hashable {
    /// What a template is for; decides whether its calls collect key presses.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// 通知: information only ("water off in building 3 tomorrow").
        case notice
        /// 活动邀请: asks the resident to sign up (press 1 / reply 1).
        case invitation
        /// 活动提醒: reminds a signed-up resident.
        case reminder
        /// 名额已满: tells residents an activity is full.
        case full
        /// 议事厅投票: asks the resident to vote (press or reply 1 or 2).
        case poll

        /// Whether the resident is asked to answer (press a key, reply a
        /// digit): such templates need a voice gateway that collects keys.
        public var asksForAnswer: Bool {
            self == .invitation || self == .poll
        }
    }

    /// One variable a template declares in `template.json`.
    public struct Variable: Sendable, Hashable {
        /// `[a-z][a-z0-9_]*`, used as `{{name}}`.
        public var name: String
        /// What the variable holds, in Chinese, for committee staff.
        public var description: String
        /// A realistic value: previews and lint render with it.
        public var example: String
        /// The longest value accepted, in characters (Unicode scalars). The
        /// renderer refuses longer values; lint checks SMS segments and
        /// WeChat field limits at this length.
        public var maxLength: Int?

        public init(name: String, description: String, example: String, maxLength: Int? = nil) {
            self.name = name
            self.description = description
            self.example = example
            self.maxLength = maxLength
        }
    }

    /// The folder's name, also `template.json`'s `name`.
    public var name: String
    /// A Chinese title for staff ("活动邀请").
    public var title: String
    public var kind: Kind
    /// The declared variables, in the order staff fill them in.
    public var variables: [Variable]
    /// Gateway template codes by adapter name (`"alibaba-sms"` …).
    public var codes: [String: TemplateCode]
    /// `sms.txt` as written (trailing line breaks removed).
    public var sms: String?
    /// `voice.txt` as written (trailing line breaks removed).
    public var voice: String?
    /// `push.json`.
    public var push: PushTemplate?

    public init(name: String, title: String, kind: Kind, variables: [Variable], codes: [String: TemplateCode] = [:],
                sms: String? = nil, voice: String? = nil, push: PushTemplate? = nil) {
        self.name = name
        self.title = title
        self.kind = kind
        self.variables = variables
        self.codes = codes
        self.sms = sms
        self.voice = voice
        self.push = push
    }

    /// The channels this template has a file for.
    public var channels: [TemplateChannel] {
        TemplateChannel.allCases.filter { has($0) }
    }

    public func has(_ channel: TemplateChannel) -> Bool {
        switch channel {
        case .sms: sms != nil
        case .voice: voice != nil
        case .push: push != nil
        }
    }

    /// The declared variable called `name`.
    public func variable(_ name: String) -> Variable? {
        variables.first { $0.name == name }
    }

    // MARK: Built-ins

    /// `resident_name`: the resident's name as the committee records it.
    public static let residentName = "resident_name"
    /// `committee_name`: the sending committee's name, the SMS sign for Kannel.
    public static let committeeName = "committee_name"
    /// `delivery_id`: Herald's delivery id, for mini-program pages.
    public static let deliveryID = "delivery_id"

    /// The variables every template may use without declaring them, with
    /// the examples previews and lint use. Their `maxLength` is what lint
    /// assumes for the worst case; the renderer does not enforce it.
    public static let builtInVariables: [Variable] = [
        Variable(name: residentName, description: "居民姓名", example: "王秀英", maxLength: 10),
        Variable(name: committeeName, description: "居委会名称", example: "阳光社区居委会", maxLength: 12),
        Variable(name: deliveryID, description: "发送编号", example: "100000001", maxLength: 19),
    ]

    /// Whether `name` is a built-in variable.
    public static func isBuiltIn(_ name: String) -> Bool {
        builtInVariables.contains { $0.name == name }
    }

    /// The declared variable or built-in called `name`.
    public func anyVariable(_ name: String) -> Variable? {
        variable(name) ?? Self.builtInVariables.first { $0.name == name }
    }
}
