/// Rules for secret values: UTF-8 text without NUL, at most 8 MiB.
package enum SecretValue {
    package static let maximumBytes = 8 << 20

    package static func validate(_ value: SecretBytes, key: String) throws {
        guard value.count <= maximumBytes else {
            throw SecrError.failure("the value of \(key) is larger than 8 MiB; store large files elsewhere and keep a key to them in secr")
        }
        try value.withUnsafeBytes { bytes in
            guard !bytes.contains(0) else {
                throw SecrError.failure("the value of \(key) contains a NUL byte; values are text (base64-encode binary data first)")
            }
            guard String(validating: bytes, as: UTF8.self) != nil else {
                throw SecrError.failure("the value of \(key) is not valid UTF-8; values are text (base64-encode binary data first)")
            }
        }
    }
}
