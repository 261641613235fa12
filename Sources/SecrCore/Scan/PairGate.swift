/// The prefilter in front of a search for many short prefixes (provider token prefixes, the
/// stems of credential words), read for every byte of every scanned line: for each pair of
/// first two bytes a slot (0: no prefix starts so), and per slot 256 bits of the third bytes
/// its prefixes allow (all of them when a prefix is two bytes long). Common pairs of ordinary
/// text ("se", "re", "to", "ke") start prefixes too, so the third byte is what keeps most
/// positions out. A position the gate passes may still start none: the caller compares.
struct PairGate {
    private let slots: [UInt16]
    private let thirdBytes: [UInt64]

    /// `prefixes` of two bytes or more; `foldingCase`: each ASCII letter of the first three
    /// bytes also stands for its upper case (the prefixes are then written in lower case).
    init(_ prefixes: [[UInt8]], foldingCase: Bool = false) {
        func cases(_ b: UInt8) -> [UInt8] { foldingCase && Charset.lower(b) ? [b, b - 32] : [b] }
        var slots = [UInt16](repeating: 0, count: 65536)
        var masks = [UInt64](repeating: 0, count: 4)  // slot 0: none
        for prefix in prefixes {
            for first in cases(prefix[0]) {
                for second in cases(prefix[1]) {
                    let pair = Int(first) << 8 | Int(second)
                    if slots[pair] == 0 {
                        slots[pair] = UInt16(masks.count / 4)
                        masks += [0, 0, 0, 0]
                    }
                    let slot = Int(slots[pair])
                    if prefix.count < 3 {
                        for word in 0..<4 { masks[slot * 4 + word] = .max }
                    } else {
                        for third in cases(prefix[2]) { masks[slot * 4 + Int(third) >> 6] |= 1 << UInt64(third & 63) }
                    }
                }
            }
        }
        self.slots = slots
        thirdBytes = masks
    }

    /// The next offset at or after `from` in `line` that the gate passes: its first two bytes
    /// start a prefix, and so does its third when the line has one.
    func next(in line: ArraySlice<UInt8>, from: Int) -> Int? {
        line.withUnsafeBufferPointer { bytes in
            slots.withUnsafeBufferPointer { slots in
                thirdBytes.withUnsafeBufferPointer { masks in
                    var offset = from - line.startIndex
                    while offset < bytes.count - 1 {
                        let slot = Int(slots[Int(bytes[offset]) << 8 | Int(bytes[offset + 1])])
                        if slot != 0 {
                            // No third byte: let the full comparison decide.
                            guard offset + 2 < bytes.count else { return line.startIndex + offset }
                            let third = Int(bytes[offset + 2])
                            if masks[slot * 4 + third >> 6] & (1 << UInt64(third & 63)) != 0 { return line.startIndex + offset }
                        }
                        offset += 1
                    }
                    return nil
                }
            }
        }
    }
}
