/// A JSON value, for every `--json` report: built from the report's fields, rendered in one
/// place (RFC 8259 strings, keys in the order given), so no command assembles JSON by hand.
public enum JSONValue: Sendable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral {
    case null
    case bool(Bool)
    case number(Int)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .number(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }

    public static func optional(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
    public static func optional(_ value: Int?) -> JSONValue { value.map(JSONValue.number) ?? .null }
    public static func strings(_ values: [String]) -> JSONValue { .array(values.map(JSONValue.string)) }

    /// Objects and arrays of objects one entry per line (readable and diffable); scalars and
    /// arrays of scalars inline.
    public var rendered: String {
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
public enum JSONText {
    public static func appendString(_ bytes: some Sequence<UInt8>, to out: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        out.append(UInt8(ascii: "\""))
        // C1 controls (U+0080–U+009F, `C2 80`–`C2 9F`) and bidi overrides (U+202A–U+202E,
        // U+2066–U+2069) are escaped too, so JSON printed to a terminal cannot drive it.
        var held: [UInt8] = []
        func escape(_ scalar: UInt32) {
            out += Array("\\u".utf8) + [12, 8, 4, 0].map { hex[Int((scalar >> $0) & 15)] }
        }
        for b in bytes {
            if !held.isEmpty {
                held.append(b)
                if held.count == 2, held[0] == 0xc2 {
                    if (0x80...0x9f).contains(b) { escape(UInt32(b)) } else { out += held }
                    held = []
                } else if held.count == 2, held[0] == 0xe2, b != 0x80 && b != 0x81 {
                    out += held
                    held = []
                } else if held.count == 3 {
                    let scalar = 0x2000 | (UInt32(held[1] & 0x3f) << 6) | UInt32(b & 0x3f)
                    if (0x202a...0x202e).contains(scalar) || (0x2066...0x2069).contains(scalar) { escape(scalar) } else { out += held }
                    held = []
                }
                continue
            }
            if b == 0xc2 || b == 0xe2 {
                held = [b]
                continue
            }
            switch b {
            case UInt8(ascii: "\""): out += Array("\\\"".utf8)
            case UInt8(ascii: "\\"): out += Array("\\\\".utf8)
            case 0x0a: out += Array("\\n".utf8)
            case 0x0d: out += Array("\\r".utf8)
            case 0x09: out += Array("\\t".utf8)
            case 0..<0x20, 0x7f: out += Array("\\u00".utf8) + [hex[Int(b >> 4)], hex[Int(b & 15)]]
            default: out.append(b)
            }
        }
        out += held
        out.append(UInt8(ascii: "\""))
    }

    public static func string(_ text: String) -> String {
        var out: [UInt8] = []
        appendString(text.utf8, to: &out)
        return String(decoding: out, as: UTF8.self)
    }
}

