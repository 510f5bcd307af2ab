/// Collects a roster's rows: validates each, counts it, merges duplicates,
/// and keeps the report. Shared by the CSV and the JSON import.
///
/// Two valid rows are the same resident when they have the same external id,
/// or the same phone (E.164) and not two different external ids; the
/// relation is transitive. A group's record is its rows folded in input
/// order: later non-empty fields win, tags are unioned. Residents who share
/// a phone (a couple on one landline) stay apart when their rows carry
/// different external ids; a row with that phone and no external id is then
/// an error, since it cannot be told whose it is.
struct RosterBuilder {
    private(set) var summary = RosterSummary()
    private var issues: [RosterIssue] = []

    /// Valid rows in input order; groups of duplicates as a union-find
    /// forest whose roots are each group's first row.
    private var entries: [RosterEntry] = []
    private var parent: [Int] = []
    /// A group's external id, kept at its root.
    private var groupExternalID: [String?] = []
    private var groupByExternalID: [String: Int] = [:]
    /// The group holding a phone (E.164)...
    private var groupByPhone: [String: Int] = [:]
    /// ...and, for a phone shared by residents with different external ids,
    /// all of the groups holding it.
    private var groupsBySharedPhone: [String: [Int]] = [:]

    /// Validates a row and adds it, counted as valid or invalid.
    mutating func add(_ row: RosterRow) {
        summary.rowsRead += 1
        guard let entry = row.validated(into: &issues) else {
            summary.invalidRows += 1
            return
        }
        if let conflict = place(entry) {
            issues.append(conflict)
            summary.invalidRows += 1
            return
        }
        summary.validRows += 1
    }

    /// Counts a row that could not be read at all (a CSV syntax error).
    mutating func addUnreadable(_ issue: RosterIssue) {
        summary.rowsRead += 1
        summary.invalidRows += 1
        issues.append(issue)
    }

    /// Counts a row whose every cell is empty.
    mutating func addEmpty() {
        summary.rowsRead += 1
        summary.emptyRows += 1
    }

    /// Adds an issue that is not about one row (the header).
    mutating func report(_ issue: RosterIssue) {
        issues.append(issue)
    }

    /// The records, one per group, and the report with a notice per merged row.
    consuming func finish(stoppedAtLine: Int? = nil) -> RosterImportResult {
        var records: [ResidentRecord] = []
        records.reserveCapacity(entries.count)
        /// The record each root entry made.
        var recordOfRoot = [Int](repeating: -1, count: entries.count)
        /// Phones and external ids of the rows folded so far, for groups of several.
        var keysOfRecord: [Int: (phones: Set<String>, externalIDs: Set<String>)] = [:]
        for index in entries.indices {
            let entry = entries[index]
            let root = find(index)
            guard root != index else {
                recordOfRoot[index] = records.count
                records.append(entry.record)
                continue
            }
            let target = recordOfRoot[root]
            var keys = keysOfRecord[target] ?? Self.keys(of: records[target])
            let samePhone = entry.record.phone.map { keys.phones.contains($0.e164) } ?? false
            let sameExternalID = entry.record.externalID.map { keys.externalIDs.contains($0) } ?? false
            if let phone = entry.record.phone { keys.phones.insert(phone.e164) }
            if let externalID = entry.record.externalID { keys.externalIDs.insert(externalID) }
            keysOfRecord[target] = keys

            let changed = Self.fold(entry, into: &records[target])
            let why = switch (samePhone, sameExternalID) {
            case (true, true): "same phone and external id"
            case (true, false): "same phone"
            case (false, true): "same external id"
            case (false, false): "linked by a later row with the same phone or external id"
            }
            let what = changed.isEmpty
                ? "nothing new on this row"
                : "taking " + changed.map { entry.columnNames[$0] }.joined(separator: ", ") + " from this row"
            issues.append(RosterIssue(
                .mergedDuplicate,
                "the same resident as \(records[target].source) (\(why)); merged into one record, \(what)",
                at: entry.record.source))
        }
        summary.mergedDuplicates = entries.count - records.count
        summary.records = records.count
        summary.stoppedAtLine = stoppedAtLine
        let ordered = issues.enumerated()
            .sorted { ($0.element.location, $0.offset) < ($1.element.location, $1.offset) }
            .map(\.element)
        return RosterImportResult(records: records, issues: ordered, summary: summary)
    }

    // MARK: - Grouping

    /// Puts a valid entry in its group; returns an error when its phone is
    /// shared by residents with different external ids and it has none.
    private mutating func place(_ entry: RosterEntry) -> RosterIssue? {
        let record = entry.record
        let externalID = record.externalID
        var targets: [Int] = []
        var sharers: [Int] = []
        var newlyShared = false
        if let externalID, let group = groupByExternalID[externalID] {
            targets.append(find(group))
        }
        let phone = record.phone?.e164
        if let phone, let group = groupByPhone[phone] {
            var roots: [Int] = []
            for group in groupsBySharedPhone[phone] ?? [group] {
                let root = find(group)
                if !roots.contains(root) { roots.append(root) }
            }
            if externalID == nil, roots.count > 1 {
                let lines = roots.map { "\(entries[$0].record.source)" }.joined(separator: " and ")
                return RosterIssue(
                    .ambiguousPhone,
                    "this phone belongs to the residents on \(lines), who have different external ids; "
                        + "add this row's external id to say whose row it is",
                    at: record.source, column: entry.columnNames[.phone], field: .phone)
            }
            for root in roots {
                if let other = groupExternalID[root], let externalID, other != externalID {
                    sharers.append(root)
                } else if !targets.contains(root) {
                    targets.append(root)
                }
            }
            // Sharing already known to a group that holds this phone was reported then.
            newlyShared = !roots.contains(where: targets.contains)
        }

        let index = entries.count
        entries.append(entry)
        parent.append(index)
        groupExternalID.append(externalID)
        var root = index
        if let first = targets.min() {
            root = first
            parent[index] = root
            for target in targets where target != root {
                parent[target] = root
                groupExternalID[root] = groupExternalID[root] ?? groupExternalID[target]
            }
            groupExternalID[root] = groupExternalID[root] ?? externalID
        }
        if let externalID, groupByExternalID[externalID] == nil {
            groupByExternalID[externalID] = root
        }
        if let phone {
            groupByPhone[phone] = root
            if !sharers.isEmpty {
                groupsBySharedPhone[phone] = sharers + [root]
            } else if groupsBySharedPhone[phone] != nil {
                groupsBySharedPhone[phone] = nil
            }
        }
        for sharer in sharers where newlyShared {
            issues.append(RosterIssue(
                .sharedPhone,
                "the same phone as the resident on \(entries[sharer].record.source), who has a different "
                    + "external id; both are kept as separate residents",
                at: record.source, column: entry.columnNames[.phone], field: .phone))
        }
        return nil
    }

    private mutating func find(_ index: Int) -> Int {
        var root = index
        while parent[root] != root { root = parent[root] }
        var node = index
        while parent[node] != root {
            let next = parent[node]
            parent[node] = root
            node = next
        }
        return root
    }

    private static func keys(of record: ResidentRecord) -> (phones: Set<String>, externalIDs: Set<String>) {
        (Set(record.phone.map { [$0.e164] } ?? []), Set(record.externalID.map { [$0] } ?? []))
    }

    /// Folds a later row into a record: its non-empty fields win, its tags
    /// are added. Returns the fields whose value changed.
    private static func fold(_ entry: RosterEntry, into record: inout ResidentRecord) -> [RosterField] {
        let later = entry.record
        var changed: [RosterField] = []
        func take<Value: Equatable>(_ field: RosterField, _ keyPath: WritableKeyPath<ResidentRecord, Value?>) {
            if let value = later[keyPath: keyPath], value != record[keyPath: keyPath] {
                record[keyPath: keyPath] = value
                changed.append(field)
            }
        }
        if later.name != record.name {
            record.name = later.name
            changed.append(.name)
        }
        take(.phone, \.phone)
        take(.openID, \.openID)
        take(.building, \.building)
        take(.unit, \.unit)
        take(.room, \.room)
        let newTags = later.tags.filter { !record.tags.contains($0) }
        if !newTags.isEmpty {
            record.tags += newTags
            changed.append(.tags)
        }
        take(.preferredChannel, \.preferredChannel)
        if entry.voiceOKGiven, later.voiceOK != record.voiceOK {
            record.voiceOK = later.voiceOK
            changed.append(.voiceOK)
        }
        take(.quietHours, \.quietHours)
        take(.externalID, \.externalID)
        return changed
    }
}
