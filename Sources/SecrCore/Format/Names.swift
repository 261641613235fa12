/// Names of members, roles and environments: lower case, digits, `-` and `_`, starting with a
/// letter or digit, at most 64 characters. Safe as file names and in every output format.
enum Names {
    static func isValid(_ name: String) -> Bool { isValid(name.utf8) }

    static func isValid(_ name: Substring) -> Bool { isValid(name.utf8) }

    private static func isValid<Bytes: Collection>(_ b: Bytes) -> Bool where Bytes.Element == UInt8 {
        guard let first = b.first, (1...64).contains(b.count) else { return false }
        func ok(_ c: UInt8) -> Bool { (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) }
        return ok(first) && b.allSatisfy { ok($0) || $0 == 0x2d || $0 == 0x5f }
    }

    static func check(_ name: String, _ what: String) throws {
        guard isValid(name) else {
            throw SecrError.usage("'\(name.prefix(80))' is not a valid \(what) name: use 1 to 64 lower-case letters, digits, '-' or '_', starting with a letter or digit")
        }
    }
}

/// Secret key names: valid environment variable names.
package enum KeyName {
    package static func isValid(_ name: Substring) -> Bool {
        name.utf8.withContiguousStorageIfAvailable(isValid) ?? Array(name.utf8).withUnsafeBufferPointer(isValid)
    }

    /// `isValid` on bytes (a record line's key, read in place).
    static func isValid(_ name: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = name.first, name.count <= 256 else { return false }
        func letter(_ c: UInt8) -> Bool { (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c == 0x5f }
        return letter(first) && name.allSatisfy { letter($0) || ($0 >= 0x30 && $0 <= 0x39) }
    }

    package static func check(_ name: Substring) throws {
        guard isValid(name) else {
            throw SecrError.usage("\(Redaction.quoted(name)) is not a valid key name: key names are environment variable names, a letter or '_' followed by letters, digits or '_' ([A-Za-z_][A-Za-z0-9_]*)")
        }
    }
}
