/// `secr report`: one self-contained HTML page. Inline CSS only: no script, no font, no image,
/// no link to anything outside the page (a Content-Security-Policy says so to the browser as
/// well), so it can be attached to a release checklist or opened offline, and it prints.
/// Every text that comes from the store or from git goes through `HTMLText.escape`; cells
/// carry `data-` attributes so tests (and scripts) can read the matrix from the DOM.
package enum ReportHTML {
    package static func render(_ report: ProjectReport, generator: String) -> String {
        var page = Page()
        page.add("<!DOCTYPE html>")
        page.add("<html lang=\"en\"><head><meta charset=\"utf-8\">")
        page.add("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">")
        page.add("<meta name=\"referrer\" content=\"no-referrer\">")
        page.add("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        page.add("<title>secr report: \(e(report.projectName))</title>")
        page.add("<style>\(style)</style></head><body>")
        page.add("<header><h1>secr report: <span class=\"project\">\(e(report.projectName))</span></h1>")
        page.add("<p class=\"meta\">generated \(e(report.generated.text))" + (report.commit.map { " at commit <code>\(e(String($0.prefix(12))))</code>" } ?? "")
                 + " · \(e(ReportWords.viewer(report.viewer, readable: report.comparison.readable, environments: report.environments)))</p>")
        page.add("<nav><a href=\"#keys\">Keys</a> <a href=\"#access\">Access</a> <a href=\"#audit\">Audit</a> <a href=\"#problems\">Problems</a> <a href=\"#integrity\">Integrity</a></nav></header>")
        keys(report, &page)
        access(report, &page)
        audit(report, &page)
        problems(report, &page)
        integrity(report, &page)
        page.add("<footer><p>\(e(ReportWords.privacyNote)) Made by \(e(generator)).</p></footer>")
        page.add("</body></html>")
        return page.text
    }

    private static func e(_ text: String) -> String { HTMLText.escape(text) }

    /// Doctor's texts with their `commands` as code.
    private static func withCode(_ text: String) -> String {
        ReportWords.pieces(text).map { $0.code ? "<code>\(e($0.text))</code>" : e($0.text) }.joined()
    }

    private struct Page {
        var lines: [String] = []
        mutating func add(_ line: String) { lines.append(line) }
        var text: String { lines.joined(separator: "\n") + "\n" }
    }

    private static func keys(_ report: ProjectReport, _ page: inout Page) {
        let environments = report.environments
        let incomplete = report.keys.filter(\.isIncomplete).count, developmentOnly = report.keys.filter(\.developmentOnly).count
        page.add("<section id=\"keys\"><h2>Keys × environments</h2>")
        page.add("<p class=\"summary\">\(report.keys.count) key\(report.keys.count == 1 ? "" : "s"); "
                 + "<span class=\"\(incomplete > 0 ? "bad" : "good")\">\(incomplete) missing from some environment</span>; "
                 + "<span class=\"\(developmentOnly > 0 ? "warn" : "good")\">\(developmentOnly) only in development</span>.</p>")
        for (environment, reason) in report.comparison.failures.sorted(by: { $0.key < $1.key }) {
            page.add("<p class=\"bad\">\(e(environment)) could not be compared: \(e(reason))</p>")
        }
        page.add("<div class=\"scroll\"><table class=\"matrix\" id=\"key-matrix\"><thead><tr><th scope=\"col\">key</th>")
        for environment in environments {
            let readable = report.comparison.readable.contains(environment)
            page.add("<th scope=\"col\" data-env=\"\(e(environment))\">\(e(environment))<br><span class=\"muted\">\(readable ? "values compared" : "values unknown")</span></th>")
        }
        page.add("</tr></thead><tbody>")
        if report.keys.isEmpty {
            page.add("<tr><td colspan=\"\(environments.count + 1)\">no keys yet</td></tr>")
        }
        for row in report.keys {
            let classes = [row.isIncomplete ? "incomplete" : nil, row.developmentOnly ? "development-only" : nil].compactMap { $0 }
            page.add("<tr data-key=\"\(e(row.key))\"\(classes.isEmpty ? "" : " class=\"\(classes.joined(separator: " "))\"")>")
            let flags = ReportWords.flags(row).map { flag in
                let kind = switch flag.kind { case .problem: "bad"; case .notice: "warn"; case .policy: "policy" }
                return "<span class=\"flag \(kind)\">\(e(flag.text))</span>"
            }
            page.add("<th scope=\"row\"><code>\(e(row.key))</code>\(flags.isEmpty ? "" : "<br>" + flags.joined(separator: " "))</th>")
            for environment in environments {
                let cell = row.row.cells[environment]
                let words = ReportWords.cell(row, in: environment)
                let state = cell?.state.rawValue ?? "missing"
                var attributes = "data-env=\"\(e(environment))\" data-state=\"\(state)\""
                if let version = cell?.version { attributes += " data-version=\"\(version)\"" }
                if let signer = words.signer { attributes += " data-signer=\"\(e(signer))\"" }
                attributes += " data-values=\"\(words.verdict?.rawValue ?? "none")\""
                let classes = ["cell", state, words.verdict?.rawValue, words.sharedAgainstPolicy ? "shared" : nil].compactMap { $0 }
                var content = "<span class=\"state\">\(e(words.state))</span>"
                if let signer = words.signer { content += " <span class=\"signer\">by \(e(signer))</span>" }
                if let provenance = words.provenance { content += "<br><span class=\"muted\">\(e(provenance))</span>" }
                if let verdict = words.verdict { content += "<br><span class=\"verdict\">\(verdict.rawValue)</span>" }
                if let note = words.note { content += " <span class=\"muted\">(\(e(note)))</span>" }
                if words.sharedAgainstPolicy { content += "<br><span class=\"flag bad\">must differ: never-promote</span>" }
                page.add("<td \(attributes) class=\"\(classes.joined(separator: " "))\">\(content)</td>")
            }
            page.add("</tr>")
        }
        page.add("</tbody></table></div>")
        page.add("<p class=\"policy\" id=\"never-promote\">Never promoted between environments (each needs its own value): "
                 + (report.neverPromote.isEmpty ? "no pattern" : report.neverPromote.map { "<code>\(e($0))</code>" }.joined(separator: " ")) + ".</p>")
        page.add("<p class=\"legend\">A cell shows the version and signer of the key's record there; <span class=\"bad\">missing</span> "
                 + "and <span class=\"bad\">unset</span> (a signed tombstone) mean no value. Where you can read two or more environments, "
                 + "<span class=\"good\">same</span> and <span class=\"warn\">different</span> compare the values without showing them.</p>")
        page.add("</section>")
    }

    private static func access(_ report: ProjectReport, _ page: inout Page) {
        page.add("<section id=\"access\"><h2>Members × environments</h2>")
        page.add("<div class=\"scroll\"><table class=\"matrix\" id=\"access-matrix\"><thead><tr><th scope=\"col\">member</th><th scope=\"col\">role</th><th scope=\"col\">roster</th>")
        for environment in report.environments { page.add("<th scope=\"col\" data-env=\"\(e(environment))\">\(e(environment))</th>") }
        page.add("</tr></thead><tbody>")
        for member in report.members {
            let kind = member.machine ? " data-machine=\"true\"" : ""
            page.add("<tr data-member=\"\(e(member.name))\" data-role=\"\(e(member.role))\"\(kind)>")
            page.add("<th scope=\"row\">\(e(member.name))<br><span class=\"muted key\">\(e(String(member.key.prefix(20))))…</span></th>")
            var role = e(member.role)
            if member.customRole { role += " <span class=\"flag policy\">custom role</span>" }
            if member.machine { role += " <span class=\"flag ci\">CI</span>" }
            page.add("<td>\(role)</td><td>\(e(ReportWords.manage(member.manage)))</td>")
            for environment in report.environments {
                let permission = member.access[environment] ?? .none
                let code = ReportWords.permissionCode(permission)
                page.add("<td data-env=\"\(e(environment))\" data-access=\"\(code)\" class=\"access \(code)\">\(e(ReportWords.permission(permission)))</td>")
            }
            page.add("</tr>")
        }
        page.add("</tbody></table></div>")
        page.add("<p class=\"legend\">From the signed roster. CI marks a member of a custom role that reads and neither writes nor manages, "
                 + "the shape docs/CI.md gives a CI job.</p></section>")
    }

    private static func audit(_ report: ProjectReport, _ page: inout Page) {
        page.add("<section id=\"audit\"><h2>Recent audit events</h2>")
        if let note = report.eventsNote { page.add("<p class=\"warn\">\(e(note))</p>") }
        guard !report.events.isEmpty else {
            page.add("<p>No events.</p></section>")
            return
        }
        page.add("<div class=\"scroll\"><table id=\"audit-events\"><thead><tr><th scope=\"col\">time</th><th scope=\"col\">change</th>"
                 + "<th scope=\"col\">verified signer</th><th scope=\"col\">git author (unverified)</th><th scope=\"col\">commit</th></tr></thead><tbody>")
        for event in report.events {
            let signer = ReportWords.signer(event)
            let flags = signer.flags.map { "<span class=\"flag bad\">\(e($0))</span>" }.joined(separator: " ")
            page.add("<tr data-verified=\"\(event.verified)\" data-permitted=\"\(event.permitted)\"\(signer.flags.isEmpty ? "" : " class=\"flagged\"")>"
                     + "<td class=\"nowrap\">\(e(ReportWords.time(event.time)))</td><td>\(e(event.summary))</td>"
                     + "<td>\(e(signer.name))\(flags.isEmpty ? "" : " " + flags)</td><td class=\"author\">\(e(event.author))</td>"
                     + "<td class=\"nowrap\"><code>\(e(String(event.commit.prefix(10))))</code></td></tr>")
        }
        page.add("</tbody></table></div>")
        page.add("<p class=\"legend\">The verified signer is the member whose signature is on the record or roster entry; the git author is "
                 + "whatever the committer's git said. UNVERIFIED: the signature does not verify. NOT PERMITTED: the signer could not make that change then.</p></section>")
    }

    private static func problems(_ report: ProjectReport, _ page: inout Page) {
        page.add("<section id=\"problems\"><h2>Problems</h2>")
        if report.findings.isEmpty {
            page.add("<p class=\"good\">No problems found.</p>")
        } else {
            page.add("<table id=\"findings\"><thead><tr><th scope=\"col\">severity</th><th scope=\"col\">check</th><th scope=\"col\">problem</th><th scope=\"col\">fix</th></tr></thead><tbody>")
            for finding in report.findings {
                let severity = finding.severity == .error ? "bad" : "warn"
                let scope = finding.scope == .clone ? "<br><span class=\"muted\">this clone</span>" : ""
                page.add("<tr data-check=\"\(e(finding.check))\" data-severity=\"\(finding.severity.rawValue)\">"
                         + "<td class=\"\(severity)\">\(finding.severity.rawValue.uppercased())</td><td><code>\(e(finding.check))</code>\(scope)</td>"
                         + "<td>\(withCode(finding.message))</td><td>\(withCode(finding.fix))</td></tr>")
            }
            page.add("</tbody></table>")
        }
        page.add("<p class=\"legend\">\(withCode(ReportWords.valueChecksNote))</p></section>")
    }

    private static func integrity(_ report: ProjectReport, _ page: inout Page) {
        let integrity = report.integrity
        page.add("<section id=\"integrity\"><h2>Integrity</h2><dl>")
        page.add("<dt>roster root</dt><dd><code id=\"roster-root\">\(e(integrity.root))</code></dd>")
        page.add("<dt>roster head</dt><dd><code id=\"roster-head\">\(integrity.headSeq):\(e(integrity.headHash))</code></dd>")
        page.add("<dt>this clone's pin</dt><dd id=\"pin\">\(e(ReportWords.pin(integrity)))</dd>")
        if let head = integrity.expectedHead { page.add("<dt>expected head</dt><dd>holds entry \(head) (--expect-head or $SECR_ROSTER_HEAD)</dd>") }
        let clean = integrity.problems.isEmpty
        page.add("<dt>signatures</dt><dd id=\"verification\" class=\"\(clean ? "good" : "bad")\">\(e(ReportWords.verification(integrity, environments: report.environments.count)))</dd>")
        page.add("</dl>")
        if !clean {
            page.add("<ul class=\"problems\">" + integrity.problems.map(ReportWords.problem).map { problem in
                "<li>" + (problem.file.map { "<code>\(e($0))</code>: " } ?? "") + e(problem.message) + "</li>"
            }.joined() + "</ul>")
        }
        page.add("<p class=\"legend\">Pin the root in CI with <code>--expect-root</code> or <code>$SECR_ROSTER_ROOT</code> (docs/CI.md), "
                 + "so a fresh runner refuses a replaced store.</p></section>")
    }

    /// Screen and print: black on white with the state in words, colour only as emphasis, so
    /// the page reads the same on paper and in grey.
    static let style = """
        :root{--bad:#b3261e;--bad-bg:#fde7e6;--warn:#8a5300;--warn-bg:#fff3d6;--good:#1e6b34;--good-bg:#e3f4e7;--muted:#5f6368;--line:#d0d4d9}
        *{box-sizing:border-box}
        body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#1f2328;background:#fff;margin:0 auto;max-width:1200px;padding:24px}
        h1{font-size:1.6em;margin:0 0 4px}h2{font-size:1.25em;margin:32px 0 8px;padding-bottom:4px;border-bottom:2px solid var(--line)}
        code{font:0.92em ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;overflow-wrap:anywhere}
        nav a{margin-right:14px;color:#0b57d0}.meta,.muted{color:var(--muted)}.muted{font-size:0.85em}
        .scroll{overflow-x:auto}.nowrap{white-space:nowrap}
        table{border-collapse:collapse;width:100%;margin:8px 0}
        th,td{border:1px solid var(--line);padding:6px 8px;text-align:left;vertical-align:top}
        thead th{background:#f3f5f7}tbody th{font-weight:normal;background:#fafbfc}
        .cell.missing,.cell.tombstone{background:var(--bad-bg);color:var(--bad);font-weight:600}
        .cell.unverified{background:var(--bad-bg);color:var(--bad)}
        .cell.different .verdict{color:var(--warn);font-weight:600}.cell.same .verdict{color:var(--good)}
        .cell.unknown .verdict{color:var(--muted)}
        .cell.shared{outline:2px solid var(--bad);outline-offset:-2px}
        tr.development-only th,tr.development-only .cell.value{background:var(--warn-bg)}
        .flag{display:inline-block;font-size:0.78em;padding:0 6px;border-radius:8px;border:1px solid currentColor;margin:2px 2px 0 0;white-space:nowrap}
        .flag.bad{color:var(--bad)}.flag.warn{color:var(--warn)}.flag.policy{color:#4b3b8f}.flag.ci{color:#0b57d0}
        .bad{color:var(--bad)}.warn{color:var(--warn)}.good{color:var(--good)}
        td.access.none{color:var(--muted)}td.access.read-write{font-weight:600}
        tr.flagged td{background:var(--bad-bg)}
        dl{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px}dt{font-weight:600}dd{margin:0}
        .legend,footer{color:var(--muted);font-size:0.88em}
        footer{margin-top:32px;border-top:1px solid var(--line);padding-top:8px}
        @media print{
          body{max-width:none;padding:0;font-size:10.5pt}
          nav{display:none}
          .scroll{overflow:visible}
          *{-webkit-print-color-adjust:exact;print-color-adjust:exact}
          thead{display:table-header-group}tr{break-inside:avoid}h2{break-after:avoid}
          a{color:inherit;text-decoration:none}
        }
        """
}
