import Glibc

/// Turns two versions of the roster into events: one per appended entry.
enum RosterEvents {
    /// `otherParents`: the rosters of a merge's other parents; entries they hold were reported
    /// where they were made.
    static func decode(old: String, new: String, roster: Roster?, context: EventContext, otherParents: [String] = []) -> [AuditEvent] {
        let oldLines = old.split(separator: "\n", omittingEmptySubsequences: false)
        let newLines = new.split(separator: "\n", omittingEmptySubsequences: false)
        guard newLines.starts(with: oldLines.dropLast()) else {
            return [context.event(signer: nil, permitted: false, action: "roster-rewrite", environment: nil, keys: [],
                                  summary: "rewrote the roster instead of appending to it")]
        }
        let state = roster?.state
        let broughtIn = Set(otherParents.flatMap { $0.split(separator: "\n") })
        return newLines.dropFirst(max(oldLines.count - 1, 1)).filter { !broughtIn.contains($0) }.compactMap { text in
            guard let line = Line.parse(text), let by = line.value("by").flatMap({ try? PublicKey(parsing: $0) }) else { return nil }
            let signer = roster == nil ? nil : state?.displayName(of: by) ?? "\(by.text.prefix(16))…"
            let value = { (name: String) in line.value(name) ?? "?" }
            let environment = line.value("env")
            let summary: String
            switch line.kind {
            case "genesis": summary = "create project \(value("name")) with owner \(value("member"))"
            case "env-add": summary = "add environment \(value("env")) (\(value("access")))"
            case "env-remove": summary = "remove environment \(value("env"))"
            case "member-add": summary = "add member \(value("member")) as \(value("role"))"
            case "member-remove": summary = "remove member \(value("member"))" + exposedSuffix(value("exposed"))
            case "member-role": summary = "change role of \(value("member")) to \(value("role"))" + exposedSuffix(value("exposed"))
            case "role-add": summary = "add role \(value("role")) (\(value("access")))"
            case "role-remove": summary = "remove role \(value("role"))"
            case "policy-add": summary = "never promote keys matching \(value("never-promote"))"
            case "policy-remove": summary = "allow promoting keys matching \(value("never-promote"))"
            case "env-key": summary = "record the key of \(value("env")) (generation \(value("gen")))"
            case "inject-allow": summary = "allow injecting \(value("name"))"
            case "inject-revoke": summary = "stop injecting \(value("name"))"
            case "member-key": summary = "replace the key of \(value("member"))" + exposedSuffix(value("exposed"))
            case "exposure-ack":
                let reason = line.value("reason").flatMap { Sodium.fromBase64URL(Substring($0)) }.map { String(decoding: $0, as: UTF8.self) } ?? "?"
                summary = "acknowledge the exposure of \(value("key")) in \(value("env")): \(reason)"
            default: summary = "\(line.kind) (unknown entry kind)"
            }
            return context.event(signer: signer, permitted: roster != nil, action: line.kind == "genesis" ? "init" : line.kind,
                                 environment: environment, keys: [], summary: summary)
        }
    }

    private static func exposedSuffix(_ list: String) -> String {
        list == "-" ? "" : " (exposed \(list.split(separator: ",").count) values)"
    }
}

/// An environment file split into lines without validating them: the header line and each
/// record line by key. History decoding fully parses only the lines that changed.
/// Bytes of a file as a dictionary key or value: hashed in one call and compared with memcmp
/// (an `ArraySlice<UInt8>` hashes and compares element by element, which was a quarter of
/// `secr log` on a long history).
struct ByteSpan: Hashable {
    let bytes: ArraySlice<UInt8>

    init(_ bytes: ArraySlice<UInt8>) { self.bytes = bytes }

    func hash(into hasher: inout Hasher) {
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }

    static func == (a: ByteSpan, b: ByteSpan) -> Bool {
        a.bytes.count == b.bytes.count && a.bytes.withUnsafeBytes { x in
            b.bytes.withUnsafeBytes { y in x.count == 0 || memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0 }
        }
    }
}

struct EnvironmentLines {
    var header: ArraySlice<UInt8>?
    /// Record lines (secret and deleted) by key.
    var records: [ByteSpan: ByteSpan] = [:]

    private static let secretPrefix = Array("secret key=".utf8), deletedPrefix = Array("deleted key=".utf8)

    /// Works on bytes: this runs for every changed commit in a long history (lines found with
    /// memchr, the table sized once for a line every 128 bytes).
    init(_ bytes: [UInt8]) {
        var number = 0
        records.reserveCapacity(bytes.count / 128)
        for range in bytes.withUnsafeBufferPointer(newlineTerminatedRanges) {
            let line = bytes[range]
            number += 1
            if number == 2 { header = line }
            let prefix = line.starts(with: EnvironmentLines.secretPrefix) ? EnvironmentLines.secretPrefix.count
                : line.starts(with: EnvironmentLines.deletedPrefix) ? EnvironmentLines.deletedPrefix.count : 0
            guard prefix > 0 else { continue }
            let afterKey = line.dropFirst(prefix)
            records[ByteSpan(afterKey.prefix { $0 != 0x20 })] = ByteSpan(line)
        }
    }
}

/// Turns two versions of an environment file into events: rotations and changed records,
/// grouped by action and signer.
enum EnvironmentEvents {
    /// `otherParents`: the file in a merge's other parents; a record or header one of them holds
    /// was reported where it was made.
    static func decode(environment: String, old: [UInt8], new: [UInt8], state: RosterState?, context: EventContext,
                       otherParents: [[UInt8]] = []) -> [AuditEvent] {
        let file = "\(environment).secr"
        guard !new.isEmpty else { return [] }  // a removed file: the roster's env-remove says why
        let before = EnvironmentLines(old), after = EnvironmentLines(new)
        let others = otherParents.map(EnvironmentLines.init)
        func name(of key: PublicKey) -> String { state?.displayName(of: key) ?? "\(key.text.prefix(16))…" }
        func record(_ span: ByteSpan?) -> SecretRecord? { span.flatMap { SecretRecord(lineBytes: $0.bytes) } }
        var events: [AuditEvent] = []
        var project = state?.projectID ?? ""
        if before.header != after.header && !others.contains(where: { $0.header == after.header }) {
            guard let parsed = try? EnvironmentFile.parse(new, name: environment, file: file) else {
                return [context.event(signer: nil, permitted: false, action: "corrupt", environment: environment, keys: [],
                                      summary: "wrote an unreadable \(file)")]
            }
            if state == nil { project = parsed.project }
            let previous = old.isEmpty ? nil : try? EnvironmentFile.parse(old, name: environment, file: file)
            if let previous, parsed.generation > previous.generation {
                let valid = state.map { parsed.structureProblems(against: $0, includeMissingReaders: false).isEmpty } ?? false
                events.append(context.event(signer: valid ? name(of: parsed.headerSigner) : nil, permitted: valid, action: "rotate",
                                            environment: environment, keys: [],
                                            summary: "rotate the key of \(environment) (generation \(parsed.generation))"))
            }
        }
        struct Group: Hashable {
            let action: String
            let signer: String?
            let permitted: Bool
            let from: String?
        }
        var groups: [Group: [AuditEvent.KeyVersion]] = [:]
        var order: [Group] = []
        // Only the keys whose line differs, in the order of their names: most commits change one
        // record of many, and every key of both versions was sorted as a String before.
        var changed: [(key: String, bytes: ByteSpan)] = []
        for (key, line) in after.records where before.records[key] != line { changed.append((String(decoding: key.bytes, as: UTF8.self), key)) }
        for key in before.records.keys where after.records[key] == nil { changed.append((String(decoding: key.bytes, as: UTF8.self), key)) }
        changed.sort { $0.key < $1.key }
        for (key, bytes) in changed {
            let old = record(before.records[bytes])
            let group: Group
            var version = 0
            if let text = after.records[bytes] {
                guard let new = record(text) else {
                    group = Group(action: "corrupt", signer: nil, permitted: false, from: nil)
                    if groups[group] == nil { order.append(group) }
                    groups[group, default: []].append(AuditEvent.KeyVersion(key: key, from: old?.version, to: 0))
                    continue
                }
                if let old, old.hash(project: project, environment: environment) == new.hash(project: project, environment: environment) {
                    continue  // only re-sealed by a rotation
                }
                // Brought in by the merge from the side that made it: reported there. Only a
                // change forward is: a version that goes down is shown here whatever the sides hold.
                let newHash = new.hash(project: project, environment: environment)
                if new.version > old?.version ?? 0,
                   others.contains(where: { record($0.records[bytes])?.hash(project: project, environment: environment) == newHash }) {
                    continue
                }
                if let old, new.version < old.version {
                    group = Group(action: "rollback", signer: nil, permitted: false, from: nil)
                    if groups[group] == nil { order.append(group) }
                    groups[group, default: []].append(AuditEvent.KeyVersion(key: key, from: old.version, to: new.version))
                    continue
                }
                version = new.version
                let verified = new.signatureIsValid(project: project, environment: environment)
                let permitted = verified && (state?.accepts(recordBy: new.signer, in: environment, id: new.id(project: project, environment: environment)) ?? false)
                let from = new.line.value("from")
                group = Group(action: new.isDeleted ? "unset" : from == nil ? "set" : "promote",
                              signer: verified ? name(of: new.signer) : nil, permitted: permitted, from: from)
            } else {
                group = Group(action: "remove", signer: nil, permitted: false, from: nil)
            }
            if groups[group] == nil { order.append(group) }
            groups[group, default: []].append(AuditEvent.KeyVersion(key: key, from: old?.version, to: version))
        }
        for group in order {
            let changed = groups[group] ?? []
            let list = changed.map { $0.to > 0 ? "\($0.key) (v\($0.to))" : $0.key }.joined(separator: ", ")
            let summary: String
            switch group.action {
            case "unset": summary = "unset \(list) in \(environment)"
            case "promote": summary = "promote \(list) to \(environment) from \((group.from ?? "?").replacingOccurrences(of: "@", with: " v"))"
            case "remove": summary = "removed \(list) from \(environment) without a tombstone"
            case "rollback": summary = "brought back older versions of \(changed.map { "\($0.key) (v\($0.from ?? 0) → v\($0.to))" }.joined(separator: ", ")) in \(environment)"
            case "corrupt": summary = "wrote unreadable records for \(list) in \(environment)"
            default: summary = "set \(list) in \(environment)"
            }
            events.append(context.event(signer: group.signer, permitted: group.permitted, action: group.action,
                                        environment: environment, keys: changed, summary: summary))
        }
        return events
    }
}
