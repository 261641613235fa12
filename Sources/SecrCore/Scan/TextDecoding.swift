/// Text that is not UTF-8 but is still text: UTF-16 with a byte-order mark (what Windows
/// PowerShell and Notepad's "Unicode" write), or without one when every other byte is NUL.
/// Decoded to UTF-8 with the same line breaks, so line numbers stay those of the file.
enum TextDecoding {
    enum Encoding { case utf16LittleEndian, utf16BigEndian }

    static func utf16Encoding(of bytes: [UInt8]) -> (Encoding, bomLength: Int)? {
        guard bytes.count >= 2 else { return nil }
        if bytes[0] == 0xff && bytes[1] == 0xfe { return (.utf16LittleEndian, 2) }
        if bytes[0] == 0xfe && bytes[1] == 0xff { return (.utf16BigEndian, 2) }
        // No BOM: mostly ASCII text, so one byte of each pair is NUL and the other is not.
        let pairs = min(bytes.count / 2, 512)
        guard pairs >= 4 else { return nil }
        var little = 0, big = 0
        for pair in 0..<pairs {
            let a = bytes[2 * pair], b = bytes[2 * pair + 1]
            if a != 0 && b == 0 { little += 1 } else if a == 0 && b != 0 { big += 1 }
        }
        if little * 10 >= pairs * 9 { return (.utf16LittleEndian, 0) }
        if big * 10 >= pairs * 9 { return (.utf16BigEndian, 0) }
        return nil
    }

    /// UTF-8 for UTF-16 input; nil when `bytes` is not UTF-16.
    static func utf8(fromUTF16 bytes: [UInt8]) -> [UInt8]? {
        guard let (encoding, bom) = utf16Encoding(of: bytes) else { return nil }
        var units: [UInt16] = []
        units.reserveCapacity((bytes.count - bom) / 2)
        var index = bom
        while index + 1 < bytes.count {
            let unit = encoding == .utf16LittleEndian ? UInt16(bytes[index]) | UInt16(bytes[index + 1]) << 8
                                                      : UInt16(bytes[index]) << 8 | UInt16(bytes[index + 1])
            units.append(unit)
            index += 2
        }
        return Array(String(decoding: units, as: UTF16.self).utf8)
    }
}
