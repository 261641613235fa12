/// An entry that a merge of two rosters leaves out, for a person to re-apply.
package struct LeftOutEntry: Sendable {
    package let seq: Int
    package let kind: String
    /// Words for people: `member-remove mallory, signed by alice at 2026-…`.
    package let description: String
    /// The secr command that makes the same change again (run during the merge).
    package let command: String
}

/// How two rosters merge. A roster is one hash chain, so entries appended on two branches can
/// never both keep their place; re-signing the other side's entries as the merger (what secr
/// 0.1 did) would let a removed admin's branch be re-admitted under an owner's signature. So:
/// when one roster extends the other, the longer one is the result; when both grew, ours is
/// kept and theirs' new entries are listed, to be re-applied with ordinary secr commands by
/// someone entitled to make them. Nothing is ever signed here.
package enum RosterMerge {
    package struct Outcome: Sendable {
        package let merged: Roster
        /// Empty unless both sides appended entries.
        package let leftOut: [LeftOutEntry]
    }

    package static func merge(ours: Roster, theirs: Roster) -> Outcome {
        let common = commonPrefix(ours, theirs)
        if common == ours.count { return Outcome(merged: theirs, leftOut: []) }
        if common == theirs.count { return Outcome(merged: ours, leftOut: []) }
        return Outcome(merged: ours, leftOut: theirs.lines.indices.dropFirst(common).map { describe(theirs, seq: $0) })
    }

    /// The number of leading entries the two rosters share.
    static func commonPrefix(_ a: Roster, _ b: Roster) -> Int {
        var n = 0
        while n < a.count && n < b.count && a.lines[n] == b.lines[n] { n += 1 }
        return n
    }

    static func describe(_ roster: Roster, seq: Int) -> LeftOutEntry {
        let line = Line.parse(Substring(roster.lines[seq]))
        let value = { (name: String) in line?.value(name) ?? "?" }
        let kind = line.map(\.kind) ?? "?"
        let signer = line?.value("by").flatMap { try? PublicKey(parsing: $0) }.map { key in
            roster.state.member(withKey: key)?.name ?? "\(key.text.prefix(16))…"
        } ?? "?"
        let command: String
        switch RosterEntryKind(rawValue: kind) {
        case .addEnvironment: command = "secr env add \(value("env"))   (its access was \(value("access")))"
        case .removeEnvironment: command = "secr env remove \(value("env")) --yes"
        case .environmentKey: command = "secr rotate -e \(value("env"))   (or the member change that re-keyed it)"
        case .addMember: command = "secr member add \(value("member")) \(value("key")) --role \(value("role"))"
        case .removeMember: command = "secr member remove \(value("member"))"
        case .setRole: command = "secr member set-role \(value("member")) \(value("role"))"
        case .addRole: command = "secr role add \(value("role"))   (access \(value("access")), manage \(value("manage")))"
        case .removeRole: command = "secr role remove \(value("role"))"
        case .addNeverPromote: command = "secr policy never-promote add \(value("never-promote"))"
        case .removeNeverPromote: command = "secr policy never-promote remove \(value("never-promote"))"
        case .allowInjection: command = "secr policy inject allow \(value("name"))"
        case .revokeInjection: command = "secr policy inject revoke \(value("name"))"
        case .setKey: command = "secr member set-key \(value("member")) \(value("key"))"
        case .acknowledgeExposure:
            let reason = line?.value("reason").flatMap { Sodium.fromBase64URL(Substring($0)) }.map { String(decoding: $0, as: UTF8.self) } ?? "?"
            command = "secr exposure ack \(value("key")) -e \(value("env")) --reason \(ShellQuoting.quote(reason))"
        case .genesis, nil: command = "(none)"
        }
        let subject = ["member", "env", "role", "never-promote", "name"].compactMap { line?.value($0) }.first ?? ""
        return LeftOutEntry(seq: seq, kind: kind, description: "entry \(seq), \(kind) \(subject), signed by \(signer) at \(value("time"))",
                            command: command)
    }
}
