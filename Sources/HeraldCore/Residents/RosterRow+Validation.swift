/// A valid row: its record, and what the merge of duplicates needs to know.
struct RosterEntry {
    var record: ResidentRecord
    /// Whether the row said anything about voice calls (the record's `true`
    /// may be the default).
    var voiceOKGiven: Bool
    let columnNames: ColumnNames
}

extension RosterRow {
    /// The row's record, or `nil` with at least one error appended to `issues`.
    ///
    /// Every field is checked, so one pass reports all of a row's problems.
    /// Warnings are added only for a valid row.
    func validated(into issues: inout [RosterIssue]) -> RosterEntry? {
        let errorsBefore = issues.count
        issues.append(contentsOf: problems)
        func report(_ code: RosterIssue.Code, _ field: RosterField?, _ reason: String) {
            issues.append(RosterIssue(code, reason, at: location, column: field.map { columnNames[$0] }, field: field))
        }
        func text(_ field: RosterField) -> String? {
            self[field]?.nonEmptyTrimmedForRoster
        }

        let name = text(.name)
        if let name {
            if name.unicodeScalars.contains(where: \.isRosterControl) {
                report(.invalidName, .name, "the name holds a line break or another control character; keep it on one line")
            }
            let length = name.count
            if length > ResidentRecord.maximumNameLength {
                report(.nameTooLong, .name,
                       "the name has \(length) characters; at most \(ResidentRecord.maximumNameLength) are allowed")
            }
        } else {
            report(.missingName, .name, "the name is empty; every resident needs a name")
        }

        var phone: PhoneNumber?
        let phoneText = text(.phone)
        if let phoneText {
            do {
                phone = try PhoneNumber(parsing: phoneText)
            } catch {
                report(.invalidPhone, .phone, Self.phoneReason(error, typed: phoneText))
            }
        }

        let openID = text(.openID)
        if let openID, !Self.isPlausibleOpenID(openID) {
            report(.invalidOpenID, .openID,
                   "an openid is 1 to 64 letters, digits, - and _; check that this column holds the WeChat openid")
        }

        if phoneText == nil, openID == nil, !problems.contains(where: { $0.field == .phone || $0.field == .openID }) {
            report(.missingContact, nil, "the row has neither a phone nor an openid; give at least one")
        }

        let tags = Self.tags(tagList ?? text(.tags).map(Self.splitTags) ?? [])

        var preferredChannel: ResidentChannel?
        if let channelText = text(.preferredChannel) {
            preferredChannel = ResidentChannel(rosterText: channelText)
            if preferredChannel == nil {
                report(.invalidChannel, .preferredChannel, "must be push, sms or voice (推送, 短信, 电话 or 语音)")
            }
        }

        var voiceOK: Bool?
        if let voiceText = text(.voiceOK) {
            voiceOK = Self.rosterBool(voiceText)
            if voiceOK == nil {
                report(.invalidBoolean, .voiceOK, Self.booleanReason)
            }
        }

        var quietHours: QuietHoursOverride?
        if let quietText = text(.quietHours) {
            do {
                quietHours = try QuietHoursOverride(parsing: quietText)
            } catch {
                report(.invalidQuietHours, .quietHours, error.message)
            }
        }

        guard issues.count == errorsBefore, let name else { return nil }

        let record = ResidentRecord(
            name: name, phone: phone, openID: openID,
            building: text(.building), unit: text(.unit), room: text(.room), tags: tags,
            preferredChannel: preferredChannel, voiceOK: voiceOK ?? true,
            quietHours: quietHours, externalID: text(.externalID), source: location)

        if preferredChannel == .voice, voiceOK == false {
            report(.voiceNotAccepted, .voiceOK,
                   "prefers voice but does not accept calls; no call will be made to this resident")
        }
        if preferredChannel == .sms, phone?.isMainlandMobile != true {
            report(.smsNeedsMobile, .preferredChannel,
                   "prefers SMS but has no mainland mobile number; SMS notices cannot reach this resident")
        }
        return RosterEntry(record: record, voiceOKGiven: voiceOK != nil, columnNames: columnNames)
    }

    // MARK: - Values

    /// What the boolean error says, for CSV and JSON alike.
    static let booleanReason = "must be true or false (also yes/no, 1/0, 是/否, 可/不可)"

    /// Reads a yes/no cell: true/false, yes/no, 1/0 in any case, 是/否, 可/不可.
    static func rosterBool(_ text: String) -> Bool? {
        switch text.trimmedForRoster.lowercased() {
        case "true", "yes", "1", "是", "可": true
        case "false", "no", "0", "否", "不可": false
        default: nil
        }
    }

    /// Splits a tags cell at `;` `；` `,` `，` `、` `|` and line breaks (a
    /// spreadsheet cell with one tag per line).
    static func splitTags(_ text: String) -> [String] {
        text.unicodeScalars.split(whereSeparator: { scalar in
            switch scalar {
            case ";", "；", ",", "，", "、", "|", "\n", "\r": true
            default: false
            }
        }).map { String($0) }
    }

    /// Tags trimmed, without empty ones, each once, in first-written order.
    static func tags(_ pieces: [String]) -> [String] {
        var seen = Set<String>()
        var tags: [String] = []
        for piece in pieces {
            if let tag = piece.nonEmptyTrimmedForRoster, seen.insert(tag).inserted {
                tags.append(tag)
            }
        }
        return tags
    }

    /// Whether `text` could be a WeChat openid: 1 to 64 of `A-Z a-z 0-9 - _`,
    /// not all digits. Real ones are 28 characters; the check is loose on
    /// length so that other platforms' ids fit, and strict on characters so
    /// that a phone number or a name in the wrong column is caught.
    static func isPlausibleOpenID(_ text: String) -> Bool {
        let bytes = text.utf8
        return (1...64).contains(bytes.count) && bytes.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"):
                true
            default:
                false
            }
        } && !bytes.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }

    /// The reason for a bad phone: ``PhoneNumberError``'s message (which
    /// never repeats the digits) and code, plus a hint when a spreadsheet
    /// turned the number into scientific notation (`1.38E+10`).
    static func phoneReason(_ error: PhoneNumberError, typed: String) -> String {
        var reason = "the phone number cannot be used (\(error.code.rawValue)): \(error.message)"
        if typed.contains("E+") || typed.contains("e+") {
            reason += "; the spreadsheet shows the number in scientific notation: "
                + "format the column as text and export again"
        }
        return reason
    }
}
