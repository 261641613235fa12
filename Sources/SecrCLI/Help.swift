/// Help, usage lines and the man page, generated from the declarations so they cannot drift.
extension CommandLineInterface {
    /// `secr member add NAME PUBKEY --role ROLE [--json]`.
    public func usage(_ path: [String]) -> [String] {
        guard let node = node(path) else { return [] }
        let prefix = ([program] + path).joined(separator: " ")
        if node.isGroup {
            return node.children.filter { !$0.hidden }.flatMap { usage(path + [$0.name]) }
        }
        var parts = [prefix] + node.arguments.map(\.display)
        for option in node.options where node.required.contains(option.key) {
            parts.append((option.names.last ?? "") + (option.valueName.map { " " + $0 } ?? ""))
        }
        for option in node.options where !node.required.contains(option.key) {
            parts.append("[" + (option.names.last ?? "") + (option.valueName.map { " " + $0 } ?? "") + "]")
        }
        if let trailing = node.trailing { parts.append("-- \(trailing)") }
        return [parts.joined(separator: " ")]
    }

    static func table(_ rows: [(String, String)], indent: Int = 2, width: Int = 26) -> String {
        rows.map { left, right in
            let pad = String(repeating: " ", count: max(1, width - left.count))
            return String(repeating: " ", count: indent) + left + pad + right + "\n"
        }.joined()
    }

    /// `secr --help` and `secr COMMAND --help`.
    public func help(_ path: [String]) -> String {
        guard let node = node(path) else { return "" }
        if path.isEmpty {
            var text = "\(program): \(summary)\n\nusage: \(program) [global options] COMMAND [ARGS]\n\ncommands:\n"
            text += CommandLineInterface.table(commands.filter { !$0.hidden }.map { ($0.name, $0.summary) }, width: 12)
            text += "\nglobal options:\n" + CommandLineInterface.table(globals.map { ($0.display, $0.help) })
            if !footer.isEmpty { text += "\n" + footer + "\n" }
            return text
        }
        var text = "\(node.summary)\n\nusage: " + usage(path).joined(separator: "\n       ") + "\n"
        if !node.details.isEmpty { text += "\n\(node.details)\n" }
        if node.isGroup {
            text += "\nsubcommands:\n" + CommandLineInterface.table(node.children.filter { !$0.hidden }.map { ($0.name, $0.summary) }, width: 12)
            text += "\n`\(([program] + path).joined(separator: " ")) SUBCOMMAND --help` explains each.\n"
        }
        if !node.options.isEmpty { text += "\noptions:\n" + CommandLineInterface.table(node.options.map { ($0.display, $0.help) }) }
        text += "\nglobal options:\n" + CommandLineInterface.table(globals.map { ($0.display, $0.help) })
        return text
    }

    /// Every leaf and group below the root, depth first, with its path.
    public func allCommands() -> [(path: [String], spec: CommandSpec)] {
        func walk(_ node: CommandSpec, _ path: [String]) -> [([String], CommandSpec)] {
            node.children.filter { !$0.hidden }.flatMap { [(path + [$0.name], $0)] + walk($0, path + [$0.name]) }
        }
        return walk(root, [])
    }

    /// `secr.1`: the man page, in roff (man(7)).
    public func manPage(version: String, date: String, description: String, sections: [(String, String)]) -> String {
        func roff(_ text: String) -> String {
            text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
                var escaped = String(line).replacingAll("\\", with: "\\e").replacingAll("-", with: "\\-")
                if escaped.hasPrefix(".") || escaped.hasPrefix("'") { escaped = "\\&" + escaped }
                // Non-ASCII as groff's \[uXXXX], so the page renders without a preprocessor.
                return escaped.unicodeScalars.map { $0.isASCII ? String($0) : "\\[u" + String(String($0.value, radix: 16, uppercase: true).leftPadded(4)) + "]" }.joined()
            }.joined(separator: "\n")
        }
        var out = ".TH \(program.uppercased()) 1 \"\(date)\" \"\(program) \(version)\" \"User Commands\"\n"
        out += ".SH NAME\n\(program) \\- \(roff(summary))\n"
        out += ".SH SYNOPSIS\n.B \(program)\n[\\fIglobal options\\fR] \\fICOMMAND\\fR [\\fIARGS\\fR]\n"
        out += ".SH DESCRIPTION\n\(roff(description))\n"
        out += ".SH GLOBAL OPTIONS\n"
        for option in globals { out += ".TP\n.B \(roff(option.display))\n\(roff(option.help))\n" }
        out += ".SH COMMANDS\n"
        for (path, spec) in allCommands() where !spec.isGroup {
            out += ".SS \(roff(usage(path).joined(separator: " | ")))\n\(roff(spec.summary)).\n"
            if !spec.details.isEmpty { out += ".PP\n\(roff(spec.details))\n" }
            for option in spec.options { out += ".TP\n.B \(roff(option.display))\n\(roff(option.help))\n" }
        }
        for (title, body) in sections { out += ".SH \(title.uppercased())\n\(roff(body))\n" }
        return out
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }

    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var result = "", rest = self[...]
        while let range = rest.firstRange(of: target) {
            result += rest[..<range.lowerBound] + replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}

extension Substring {
    func firstRange(of target: String) -> Range<Index>? {
        var index = startIndex
        while index < endIndex {
            if self[index...].hasPrefix(target) { return index..<self.index(index, offsetBy: target.count) }
            index = self.index(after: index)
        }
        return nil
    }
}
