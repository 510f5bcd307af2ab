import Foundation

/// Reads one queue file's `gateway` object for one adapter: credentials
/// through the environment, settings with their defaults, the endpoint and
/// the timeout, each problem reported as a `ChannelError` that names the
/// queue and the field, and never a secret's value.
struct GatewaySettingsReader {
    let queue: String
    let adapter: String
    let gateway: GatewayConfiguration
    let environment: [String: String]

    /// Fails on a credential role or setting the adapter does not know, so a
    /// typo (`signname`) is caught at start-up instead of sending without it.
    func checkKnown(credentials knownCredentials: [String], settings knownSettings: [String]) throws(ChannelError) {
        for role in gateway.credentials.keys.sorted() where !knownCredentials.contains(role) {
            throw ChannelError(.invalidSetting,
                               "adapter \(adapter) has no credential role \"\(role)\"; "
                               + "its roles are \(list(knownCredentials))",
                               queue: queue, field: "gateway.credentials.\(role)")
        }
        for name in gateway.settings.keys.sorted() where !knownSettings.contains(name) {
            throw ChannelError(.invalidSetting,
                               "adapter \(adapter) has no setting \"\(name)\"; "
                               + "its settings are \(list(knownSettings))",
                               queue: queue, field: "gateway.settings.\(name)")
        }
    }

    /// The secret for `role`, read from the environment variable the queue
    /// file names for it.
    func credential(_ role: String) throws(ChannelError) -> Secret {
        let field = "gateway.credentials.\(role)"
        guard let variable = gateway.credentials[role]?.trimmingCharacters(in: .whitespaces), !variable.isEmpty else {
            throw ChannelError(.missingCredential,
                               "adapter \(adapter) needs credential \"\(role)\"; add "
                               + "\"\(role)\": \"<name of the environment variable holding it>\" to gateway.credentials",
                               queue: queue, field: field)
        }
        guard let value = environment[variable], !value.isEmpty else {
            throw ChannelError(.missingEnvironmentVariable,
                               "credential \"\(role)\" is read from environment variable \(variable), "
                               + "which is not set or empty; export \(variable) before starting Herald",
                               queue: queue, field: field)
        }
        return Secret(value)
    }

    /// A required, non-empty setting.
    func setting(_ name: String) throws(ChannelError) -> String {
        guard let value = optionalSetting(name) else {
            throw ChannelError(.missingSetting,
                               "adapter \(adapter) needs setting \"\(name)\" in gateway.settings",
                               queue: queue, field: "gateway.settings.\(name)")
        }
        return value
    }

    /// A setting, nil when absent or blank.
    func optionalSetting(_ name: String) -> String? {
        guard let value = gateway.settings[name]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else {
            return nil
        }
        return value
    }

    func setting(_ name: String, default defaultValue: String) -> String {
        optionalSetting(name) ?? defaultValue
    }

    /// An integer setting within `range`.
    func intSetting(_ name: String, default defaultValue: Int, range: ClosedRange<Int>) throws(ChannelError) -> Int {
        guard let text = optionalSetting(name) else { return defaultValue }
        guard let value = Int(text), range.contains(value) else {
            throw ChannelError(.invalidSetting,
                               "\"\(text)\" is not a whole number from \(range.lowerBound) to \(range.upperBound)",
                               queue: queue, field: "gateway.settings.\(name)")
        }
        return value
    }

    /// A setting that must be one of `allowed`.
    func choiceSetting(_ name: String, default defaultValue: String, allowed: [String]) throws(ChannelError) -> String {
        let value = setting(name, default: defaultValue)
        guard allowed.contains(value) else {
            throw ChannelError(.invalidSetting, "\"\(value)\" is not one of \(list(allowed))",
                               queue: queue, field: "gateway.settings.\(name)")
        }
        return value
    }

    /// A required http(s) base URL setting, without trailing slashes.
    func urlSetting(_ name: String) throws(ChannelError) -> String {
        let value = try setting(name)
        return try Self.baseURL(value, queue: queue, field: "gateway.settings.\(name)")
    }

    /// `gateway.endpoint` as a base URL without trailing slashes.
    func endpoint() throws(ChannelError) -> String {
        try Self.baseURL(gateway.endpoint, queue: queue, field: "gateway.endpoint")
    }

    /// `gateway.timeoutSeconds`, 10 s when absent.
    func timeout() throws(ChannelError) -> Duration {
        guard let seconds = gateway.timeoutSeconds else { return .seconds(10) }
        guard seconds.isFinite, seconds > 0, seconds <= 300 else {
            throw ChannelError(.invalidSetting, "\(seconds) is not a number of seconds from more than 0 to 300",
                               queue: queue, field: "gateway.timeoutSeconds")
        }
        return .milliseconds(Int64((seconds * 1000).rounded(.up)))
    }

    static func baseURL(_ text: String, queue: String, field: String) throws(ChannelError) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let components = URLComponents(string: trimmed),
              let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = components.host, !host.isEmpty,
              components.query == nil, components.fragment == nil else {
            throw ChannelError(.invalidSetting,
                               "\"\(trimmed)\" is not an http:// or https:// URL without a query, "
                               + "e.g. http://127.0.0.1:9300",
                               queue: queue, field: field)
        }
        return trimmed.withoutTrailingSlashes
    }

    private func list(_ names: [String]) -> String {
        names.isEmpty ? "none" : names.map { "\"\($0)\"" }.joined(separator: ", ")
    }
}

extension String {
    /// A base URL without its trailing slashes, so `base + "/path"` never doubles one.
    var withoutTrailingSlashes: String {
        var base = self
        while base.hasSuffix("/") { base.removeLast() }
        return base
    }
}
