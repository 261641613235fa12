/// `secr report --format markdown`: the same report as GitHub-flavoured markdown, for a
/// pull-request comment or a job summary (`>> $GITHUB_STEP_SUMMARY`). Names and commands are
/// code spans and prose is escaped (`MarkdownText`), so nothing from the store or from git
/// becomes a link, an image, HTML, a mention or a new table cell.
package enum ReportMarkdown {
    package static func render(_ report: ProjectReport, generator: String) -> String {
        var lines: [String] = []
        lines.append("## secr report: \(MarkdownText.escape(report.projectName))")
        lines.append("")
        lines.append("Generated \(report.generated.text)" + (report.commit.map { " at commit `\(String($0.prefix(12)))`" } ?? "")
                     + " · " + MarkdownText.escape(ReportWords.viewer(report.viewer, readable: report.comparison.readable, environments: report.environments)))
        lines += [""] + keys(report) + [""] + access(report) + [""] + audit(report) + [""] + problems(report) + [""] + integrity(report)
        lines += ["", "<sub>\(prose(ReportWords.privacyNote)) Made by \(MarkdownText.escape(generator)).</sub>"]
        return lines.joined(separator: "\n") + "\n"
    }

    /// Prose with doctor's `commands` as code spans.
    private static func prose(_ text: String) -> String {
        ReportWords.pieces(text).map { $0.code ? MarkdownText.code($0.text) : MarkdownText.escape($0.text) }.joined()
    }

    private static func table(_ header: [String], _ rows: [[String]]) -> [String] {
        ["| " + header.joined(separator: " | ") + " |", "|" + header.map { _ in "---|" }.joined()]
            + rows.map { "| " + $0.joined(separator: " | ") + " |" }
    }

    private static func keys(_ report: ProjectReport) -> [String] {
        var lines = ["### Keys × environments", ""]
        let incomplete = report.keys.filter(\.isIncomplete).count, developmentOnly = report.keys.filter(\.developmentOnly).count
        let missing = "\(incomplete) missing from some environment"
        lines.append("\(report.keys.count) key\(report.keys.count == 1 ? "" : "s"); \(incomplete > 0 ? "**\(missing)**" : missing); "
                     + "\(developmentOnly) only in development.")
        for (environment, reason) in report.comparison.failures.sorted(by: { $0.key < $1.key }) {
            lines.append("")
            lines.append("**\(MarkdownText.escape(environment)) could not be compared:** \(MarkdownText.escape(reason))")
        }
        lines.append("")
        let header = ["key"] + report.environments.map { MarkdownText.escape($0) + (report.comparison.readable.contains($0) ? "" : " (values unknown)") }
        let rows = report.keys.map { row -> [String] in
            let flags = ReportWords.flags(row).map { $0.kind == .policy ? MarkdownText.escape($0.text) : "**\(MarkdownText.escape($0.text))**" }
            return [([MarkdownText.code(row.key)] + flags).joined(separator: "<br>")] + report.environments.map { environment in
                let words = ReportWords.cell(row, in: environment)
                let live = row.row.cells[environment]?.isLive == true
                var text = live ? MarkdownText.escape(words.state) : "**\(MarkdownText.escape(words.state))**"
                if let signer = words.signer { text += " by " + MarkdownText.escape(signer) }
                if let provenance = words.provenance { text += ", " + MarkdownText.escape(provenance) }
                if let verdict = words.verdict { text += " · " + (verdict == .different ? "**different**" : verdict.rawValue) }
                if let note = words.note { text += " (\(MarkdownText.escape(note)))" }
                if words.sharedAgainstPolicy { text += " · **must differ: never-promote**" }
                return text
            }
        }
        lines += report.keys.isEmpty ? ["No keys yet."] : table(header, rows)
        lines.append("")
        lines.append("Never promoted between environments: "
                     + (report.neverPromote.isEmpty ? "no pattern" : report.neverPromote.map(MarkdownText.code).joined(separator: " ")) + ".")
        return lines
    }

    private static func access(_ report: ProjectReport) -> [String] {
        let rows = report.members.map { member -> [String] in
            var role = MarkdownText.escape(member.role)
            if member.customRole { role += " (custom role)" }
            if member.machine { role += " **CI**" }
            return [MarkdownText.escape(member.name), role, MarkdownText.escape(ReportWords.manage(member.manage))]
                + report.environments.map { MarkdownText.escape(ReportWords.permission(member.access[$0] ?? .none)) }
        }
        return ["### Members × environments", ""]
            + table(["member", "role", "roster"] + report.environments.map(MarkdownText.escape), rows)
    }

    private static func audit(_ report: ProjectReport) -> [String] {
        var lines = ["### Recent audit events", ""]
        if let note = report.eventsNote { lines += [MarkdownText.escape(note), ""] }
        guard !report.events.isEmpty else { return lines + ["No events."] }
        let rows = report.events.map { event -> [String] in
            let signer = ReportWords.signer(event)
            return [ReportWords.time(event.time), MarkdownText.escape(event.summary),
                    ([MarkdownText.escape(signer.name)] + signer.flags.map { "**\($0)**" }).joined(separator: " "),
                    MarkdownText.code(event.author), MarkdownText.code(String(event.commit.prefix(10)))]
        }
        return lines + table(["time", "change", "verified signer", "git author (unverified)", "commit"], rows)
    }

    private static func problems(_ report: ProjectReport) -> [String] {
        var lines = ["### Problems", ""]
        if report.findings.isEmpty {
            lines.append("No problems found.")
        } else {
            lines += table(["severity", "check", "problem", "fix"], report.findings.map { finding in
                [finding.severity == .error ? "**ERROR**" : "warning",
                 MarkdownText.code(finding.check) + (finding.scope == .clone ? " (this clone)" : ""),
                 prose(finding.message), prose(finding.fix)]
            })
        }
        return lines + ["", prose(ReportWords.valueChecksNote)]
    }

    private static func integrity(_ report: ProjectReport) -> [String] {
        let integrity = report.integrity
        var lines = ["### Integrity", "",
                     "- roster root: `\(integrity.root)`",
                     "- roster head: `\(integrity.headSeq):\(integrity.headHash)`",
                     "- this clone's pin: " + MarkdownText.escape(ReportWords.pin(integrity))]
        if let head = integrity.expectedHead { lines.append("- expected head: holds entry \(head)") }
        let verification = MarkdownText.escape(ReportWords.verification(integrity, environments: report.environments.count))
        lines.append("- signatures: " + (integrity.problems.isEmpty ? verification : "**\(verification)**"))
        for problem in integrity.problems.map(ReportWords.problem) {
            lines.append("  - " + (problem.file.map { MarkdownText.escape($0) + ": " } ?? "") + MarkdownText.escape(problem.message))
        }
        return lines
    }
}
