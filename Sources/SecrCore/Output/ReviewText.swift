/// What `git diff` shows for an environment file, through the textconv driver `secr diff`:
/// one line per key, so a changed key is one `-`/`+` pair. Values appear in plaintext only
/// for environments the viewer can read; otherwise the line says version and signer.
/// Raw ciphertext is never shown.
package enum EnvironmentText {
    package static func render(_ bytes: [UInt8], state: RosterState?, identity: Identity?) -> String {
        let environment = EnvironmentFile.environmentName(bytes)
        guard let environment, let file = try? EnvironmentFile.parse(bytes, name: environment, file: "\(environment).secr"),
              let records = try? file.allRecords else {
            return "(not a valid secr environment file: \(bytes.count) bytes)\n"
        }
        func name(_ key: PublicKey) -> String { state?.displayName(of: key) ?? "\(key.text.prefix(16))…" }
        let key = state.flatMap { state in identity.flatMap { try? file.unlock(with: $0, roster: state) } }
        let stale = state.flatMap { file.freshnessProblem(against: $0) }.map { _ in " — NOT THE KEY THE ROSTER NAMES" } ?? ""
        var lines = ["environment \(environment): key generation \(file.generation), signed by \(name(file.headerSigner))\(stale)",
                     "readers: " + (file.readerNames.isEmpty ? "none" : file.readerNames.joined(separator: ", "))]
        for record in records {
            let signed = record.signatureIsValid(project: file.project, environment: environment)
            let permitted = state.map { $0.accepts(recordBy: record.signer, in: environment, id: record.id(project: file.project, environment: environment)) } ?? true
            let who = !signed ? "SIGNATURE DOES NOT VERIFY"
                : permitted ? "signed by \(name(record.signer))"
                : "signed by \(name(record.signer)), NOT PERMITTED: may not write \(environment)"
            let from = record.line.value("from").map { ", promoted from \($0)" } ?? ""
            let meta = "(v\(record.version), \(who), \(record.time.text)\(from))"
            if record.isDeleted {
                lines.append("\(record.key): deleted \(meta)")
            } else if signed, permitted, let key, let value = try? file.decrypt(record, with: key) {
                var quoted: [UInt8] = []
                value.withUnsafeBytes { JSONText.appendString($0, to: &quoted) }
                lines.append("\(record.key) = \(String(decoding: quoted, as: UTF8.self)) \(meta)")
                wipe(&quoted)
            } else {
                lines.append("\(record.key): encrypted \(meta)")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

}
