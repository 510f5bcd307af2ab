/// The `alibaba-ivr` entry of `codes`: which approved voice templates an
/// interactive call plays.
public struct VoiceMenuCodes: Sendable, Hashable {
    /// Played when the resident answers (`StartCode`): the voice text.
    public var startCode: String
    /// Key → the prompt played after it (`MenuKeyMap`), sorted by key.
    public var keys: [Key]
    /// Played before hanging up (`ByeCode`); optional.
    public var byeCode: String?

    public struct Key: Sendable, Hashable {
        /// `0`–`9`, `*` or `#`.
        public var key: String
        public var code: String

        public init(key: String, code: String) {
            self.key = key
            self.code = code
        }
    }

    public init(startCode: String, keys: [Key], byeCode: String? = nil) {
        self.startCode = startCode
        self.keys = keys
        self.byeCode = byeCode
    }
}
