/// Text made safe for an HTML page. Key and member names are checked when written, but git
/// authors, commit messages, roster fields of a forged entry and file paths are whatever a
/// pusher typed: every piece of text goes through here, so none can open a tag, an attribute
/// or an entity. Control characters and bidi overrides are shown escaped first, as on a
/// terminal (`TerminalText`), since a page can be reordered or hidden by them too.
package enum HTMLText {
    package static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in TerminalText.safe(text) {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}

/// Text made safe for GitHub-flavoured markdown (a pull-request comment, a job summary), where
/// a name could otherwise become a link, an image, raw HTML, a new table column or a new line.
package enum MarkdownText {
    /// Prose: every character that can start markup is backslash-escaped (CommonMark makes
    /// escaped ASCII punctuation literal): emphasis, code, links and images, HTML and entities,
    /// table cells, strikethrough, GitHub's math and references. Line breaks become spaces so a
    /// table row stays one row. Other punctuation stays as it is, readable in the raw text.
    package static func escape(_ text: String) -> String {
        var out = ""
        for character in TerminalText.safe(text) {
            if character == "\n" || character == "\r" || character == "\t" {
                out.append(" ")
            } else if special.contains(character) {
                out += "\\" + String(character)
            } else {
                out.append(character)
            }
        }
        return out
    }

    static let special: Set<Character> = ["\\", "`", "*", "_", "[", "]", "<", ">", "!", "|", "#", "~", "&", "$", "@", "{", "}"]

    /// A code span inside a table cell: shown exactly, never a link or a mention (GitHub
    /// leaves code alone), with `|` escaped as GFM requires in a cell and a fence longer than
    /// any run of backticks inside.
    package static func code(_ text: String) -> String {
        var body = TerminalText.safe(text).map { $0 == "\n" || $0 == "\r" || $0 == "\t" ? " " : String($0) }.joined()
        body = body.replacingBars()
        var longest = 0, run = 0
        for character in body {
            run = character == "`" ? run + 1 : 0
            longest = max(longest, run)
        }
        let fence = String(repeating: "`", count: longest + 1)
        let padded = body.hasPrefix("`") || body.hasSuffix("`") || body.hasPrefix(" ") && body.hasSuffix(" ") ? " \(body) " : body
        return fence + padded + fence
    }
}

extension String {
    /// `|` as `\|`, which a GFM table cell needs even inside a code span.
    fileprivate func replacingBars() -> String {
        var out = ""
        for character in self {
            if character == "|" { out += "\\|" } else { out.append(character) }
        }
        return out
    }
}
