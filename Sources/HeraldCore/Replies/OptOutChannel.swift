/// A channel a resident can opt out of, stored in `opt_outs.channel`.
///
/// The raw values are those of HeraldChannels' `ChannelKind`, so a channel
/// plan's step converts with `OptOutChannel(rawValue: kind.rawValue)`
/// (webhooks go to systems, not residents, and have no opt-out).
public enum OptOutChannel: String, Sendable, Hashable, Codable, CaseIterable {
    case sms
    case voice
    case push
}
