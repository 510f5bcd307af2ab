/// How a resident's answer reached Herald: stored with every sign-up, poll
/// answer and opt-out (`signups.source`, `poll_answers.source`,
/// `opt_outs.source`).
public enum ReplySource: String, Sendable, Hashable, Codable, CaseIterable {
    /// A key pressed during a voice call ("按1报名").
    case voiceKey = "voice_key"
    /// An SMS reply ("1", "报名", "TD").
    case smsReply = "sms_reply"
    /// A tap in the community mini program.
    case miniProgram = "mini_program"
    /// Entered by committee staff (a resident who phoned or came to the office).
    case staff
}
