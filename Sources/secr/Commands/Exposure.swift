import SecrCLI
import SecrCore

enum ExposureOptions {
    static let reason = Option<String>("--reason", value: "TEXT", help: "why the listed value needs no new value (recorded, signed)")
}

let exposureCommand = CommandSpec(
    "exposure", summary: "list values a former reader could decrypt, and clear the ones that need no rotation",
    children: [
        CommandSpec(
            "list", summary: "open exposures, and the acknowledgements that cleared others",
            details: """
                An exposure is opened when a member loses read access or has their key replaced, for every
                value they could decrypt. It closes when the key gets a new value (`secr set`) or when an
                admin acknowledges it (`secr exposure ack`).
                """,
            options: [jsonFlag.spec]
        ) { parsed in
            let context = Context(parsed)
            let store = try context.store()
            let report = StoreVerifier.verify(store.location, expected: try context.expectation())
            let acknowledged = store.state.acknowledgements
            if context.has(jsonFlag) {
                context.console.out(JSONValue.object([
                    ("open", .array(report.openExposures.map { event in
                        .object([("environment", .string(event.exposure.environment)), ("key", .string(event.exposure.key)),
                                 ("version", .number(event.exposure.version)), ("member", .string(event.member)), ("since", .string(event.time.text))])
                    })),
                    ("acknowledged", .array(acknowledged.map { ack in
                        .object([("environment", .string(ack.environment)), ("key", .string(ack.key)), ("reason", .string(ack.reason)),
                                 ("by", .string(ack.by)), ("time", .string(ack.time.text))])
                    })),
                ]).rendered)
                return 0
            }
            if report.openExposures.isEmpty { context.console.note("no open exposures") }
            for event in report.openExposures.sorted(by: { ($0.exposure.environment, $0.exposure.key) < ($1.exposure.environment, $1.exposure.key) }) {
                context.console.out("exposed  \(event.exposure.environment)/\(event.exposure.key) (v\(event.exposure.version))  readable by \(event.member), who lost access on \(event.time.text)")
            }
            for ack in acknowledged {
                context.console.out("cleared  \(ack.environment)/\(ack.key)  by \(ack.by) on \(ack.time.text): \(ack.reason)")
            }
            return 0
        },
        CommandSpec(
            "ack", summary: "record that a listed key needs no new value (not secret, or rotated elsewhere)",
            details: """
                A signed roster entry with your reason clears every listed exposure of KEY in ENV, so
                `secr verify` stops listing it; `secr log` and `secr exposure list` show who cleared it and
                why. Needs an admin or owner who may write ENV. Use it for configuration such as APP_URL,
                or for a credential already rotated at its provider whose new value lives elsewhere.
                """,
            arguments: [ArgumentSpec("KEY", completion: .key)], options: [ExposureOptions.reason.spec], required: ["reason"]
        ) { parsed in
            let context = Context(parsed)
            let key = context.positionals[0]
            let reason = context.value(ExposureOptions.reason) ?? ""
            _ = try context.mutate { try $0.acknowledgeExposure(of: key, in: context.environment, reason: reason) }
            context.console.note("cleared the exposure of \(key) in \(context.environment)")
            return 0
        },
    ])
