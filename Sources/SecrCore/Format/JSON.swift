/// A JSON value, for every `--json` report: built from the report's fields, rendered in one
/// place (RFC 8259 strings, keys in the order given), so no command assembles JSON by hand.
package enum JSONValue: Sendable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral {
    case null
    case bool(Bool)
    case number(Int)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    package init(stringLiteral value: String) { self = .string(value) }
    package init(integerLiteral value: Int) { self = .number(value) }
    package init(booleanLiteral value: Bool) { self = .bool(value) }

    package static func optional(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
    package static func optional(_ value: Int?) -> JSONValue { value.map(JSONValue.number) ?? .null }
    package static func strings(_ values: [String]) -> JSONValue { .array(values.map(JSONValue.string)) }

    /// Objects and arrays of objects one entry per line (readable and diffable); scalars and
    /// arrays of scalars inline.
    package var rendered: String {
        var out: [UInt8] = []
        render(into: &out, indent: 0)
        return String(decoding: out, as: UTF8.self)
    }

    private var isScalar: Bool {
        switch self {
        case .array(let items): items.allSatisfy(\.isScalar) && items.count <= 16
        case .object: false
        default: true
        }
    }

    private func render(into out: inout [UInt8], indent: Int) {
        switch self {
        case .null: out += Array("null".utf8)
        case .bool(let value): out += Array((value ? "true" : "false").utf8)
        case .number(let value): out += Array(String(value).utf8)
        case .string(let value): JSONText.appendString(value.utf8, to: &out)
        case .array(let items):
            if items.isEmpty { out += Array("[]".utf8); return }
            if isScalar {
                out.append(UInt8(ascii: "["))
                for (index, item) in items.enumerated() {
                    if index > 0 { out += Array(", ".utf8) }
                    item.render(into: &out, indent: indent)
                }
                out.append(UInt8(ascii: "]"))
                return
            }
            out += Array("[\n".utf8)
            for (index, item) in items.enumerated() {
                out += Array(String(repeating: " ", count: indent + 2).utf8)
                item.render(into: &out, indent: indent + 2)
                out += Array((index == items.count - 1 ? "\n" : ",\n").utf8)
            }
            out += Array((String(repeating: " ", count: indent) + "]").utf8)
        case .object(let fields):
            if fields.isEmpty { out += Array("{}".utf8); return }
            let flat = fields.allSatisfy { $0.1.isScalar } && fields.count <= 12
            out += Array((flat ? "{" : "{\n").utf8)
            for (index, (key, value)) in fields.enumerated() {
                if !flat { out += Array(String(repeating: " ", count: indent + 2).utf8) }
                JSONText.appendString(key.utf8, to: &out)
                out += Array(": ".utf8)
                value.render(into: &out, indent: indent + 2)
                if index < fields.count - 1 { out += Array((flat ? ", " : ",\n").utf8) } else if !flat { out.append(0x0a) }
            }
            out += Array(((flat ? "" : String(repeating: " ", count: indent)) + "}").utf8)
        }
    }
}

/// JSON string literals (RFC 8259): UTF-8 passes through, controls are escaped.
package enum JSONText {
    package static func appendString(_ bytes: some Sequence<UInt8>, to out: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        func escape(_ value: UInt32) { out += Array("\\u".utf8) + [12, 8, 4, 0].map { hex[Int((value >> $0) & 15)] } }
        out.append(UInt8(ascii: "\""))
        // Decoded as Unicode scalars (invalid UTF-8 becomes U+FFFD, as JSON must be UTF-8), so
        // C0 and C1 controls, DEL and the bidi overrides are escaped however the bytes are
        // arranged: JSON printed to a terminal cannot drive it.
        for scalar in String(decoding: Array(bytes), as: UTF8.self).unicodeScalars {
            switch scalar {
            case "\"": out += Array("\\\"".utf8)
            case "\\": out += Array("\\\\".utf8)
            case "\n": out += Array("\\n".utf8)
            case "\r": out += Array("\\r".utf8)
            case "\t": out += Array("\\t".utf8)
            default:
                if TerminalText.isUnsafe(scalar) { escape(scalar.value) } else { out += Array(String(scalar).utf8) }
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    package static func string(_ text: String) -> String {
        var out: [UInt8] = []
        appendString(text.utf8, to: &out)
        return String(decoding: out, as: UTF8.self)
    }
}

