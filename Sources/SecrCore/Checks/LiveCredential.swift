/// Markers of live (production) credentials, as opposed to test or sandbox ones.
enum LiveCredential {
    static func marker(in value: SecretBytes) -> String? {
        let text = value.unsafeString()
        let markers: [(String, String)] = [("sk_live_", "Stripe live secret key"), ("rk_live_", "Stripe live restricted key"),
                                           ("access_token$production$", "Braintree production token"),
                                           ("sq0csp-", "Square production secret"), ("sq0atp-", "Square production token"),
                                           ("xoxb-", "Slack bot token"), ("xoxp-", "Slack user token")]
        if let hit = markers.first(where: { text.contains($0.0) }) { return hit.1 }
        let bytes = Array(text.utf8)
        for start in bytes.indices where bytes[start...].starts(with: "AKIA".utf8) || bytes[start...].starts(with: "ASIA".utf8) {
            let id = bytes[start..<min(start + 20, bytes.count)]
            if id.count == 20, id.allSatisfy({ ($0 >= 0x41 && $0 <= 0x5a) || ($0 >= 0x30 && $0 <= 0x39) }),
               !String(decoding: id, as: UTF8.self).contains("EXAMPLE") {
                return "AWS access key id"
            }
        }
        return nil
    }
}
