import Foundation
import Testing
@testable import SecrCore

/// The cache file in segments: facts come back from the file they were saved to, a segment
/// this run added nothing to is written back byte for byte, facts about records are spread
/// over the segments while the rest share the first, and a segment that was edited, moved to
/// another place or sealed by another identity holds nothing.
@Suite struct VerificationCacheTests {
    private let directory = FileManager.default.temporaryDirectory.appendingPathComponent("secr-cache-\(UUID().uuidString)")
    private var path: String { directory.appendingPathComponent("cache").path }
    private let environment: (publicKey: BoxPublicKey, secretKey: SecretBytes)

    init() throws {
        environment = try Sodium.boxKeyPair(seed: SecretBytes(random: 32, from: SystemRandom()))
    }

    private func random(_ count: Int) -> [UInt8] { (0..<count).map { _ in UInt8.random(in: 0...255) } }

    /// Boxes standing for records' value keys (random bytes: none opens for real, so a box
    /// "opens" only when the cache holds what it opened to).
    private func boxes(_ count: Int) -> [[UInt8]] { (0..<count).map { _ in random(80) } }

    private func opened(by identity: Identity) -> VerificationCache {
        let cache = VerificationCache()
        cache.load(path: path, identity: identity)
        return cache
    }

    private func knows(_ cache: VerificationCache, _ box: [UInt8]) -> Bool {
        cache.openSealed(box, publicKey: environment.publicKey, secretKey: environment.secretKey, ofRecord: true) != nil
    }

    private func segments(_ bytes: [UInt8]) -> [Range<Int>] {
        let magic = VerificationCache.magic.count
        var at = magic + 4 * VerificationCache.segmentCount
        return (0..<VerificationCache.segmentCount).map { index in
            let length = VerificationCache.count(in: bytes, at: magic + 4 * index)
            defer { at += length }
            return at..<(at + length)
        }
    }

    private func file(_ parts: [[UInt8]]) -> [UInt8] {
        var table = VerificationCache.magic
        for part in parts { VerificationCache.appendCount(part.count, to: &table) }
        return table + parts.flatMap { $0 }
    }

    @Test func factsComeBackAndAnUntouchedSegmentIsWrittenBackAsItWas() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let alice = try Identity.generate()
        let facts = boxes(2_000), files = (0..<3).map { _ in random(32) }
        let first = opened(by: alice)
        for box in facts { first.rememberSealed(box, publicKey: environment.publicKey, opensTo: SecretBytes(copying: random(32))) }
        for digest in files { first.rememberVerifiedRecords(digest) }
        first.save()
        let saved = try #require(try FileSystem.readIfExists(path))
        #expect(segments(saved).filter { !$0.isEmpty }.count == VerificationCache.segmentCount, "2,000 record facts spread over the others (none empty but once in 10^13), the rest in the first")
        let again = opened(by: alice)
        #expect(facts.allSatisfy { knows(again, $0) })
        #expect(files.allSatisfy { again.knowsVerifiedRecords($0) })
        #expect(!boxes(20).contains { knows(again, $0) })
        // One new fact not about a record: only the first segment is sealed again.
        again.rememberVerifiedRecords(random(32))
        again.save()
        let resaved = try #require(try FileSystem.readIfExists(path))
        let before = segments(saved), after = segments(resaved)
        for index in 1..<VerificationCache.segmentCount {
            #expect(saved[before[index]] == resaved[after[index]], "segment \(index) copied as it was")
        }
        #expect(saved[before[0]] != resaved[after[0]])
        let third = opened(by: alice)
        #expect(facts.allSatisfy { knows(third, $0) } && files.allSatisfy { third.knowsVerifiedRecords($0) })
        // Another identity's key opens nothing of it.
        let mallory = opened(by: try Identity.generate())
        #expect(!facts.contains { knows(mallory, $0) } && !files.contains { mallory.knowsVerifiedRecords($0) })
    }

    /// The cache tells a record's signature from others by how its signed message starts.
    @Test func aRecordsSignedMessageStartsWithThePrefixTheCacheSpreads() throws {
        let (owner, _, created, _) = try makeProject()
        var file = created
        try file.write(key: "A", value: SecretBytes(copying: Array("x".utf8)), identity: owner, time: fixedTime, random: SystemRandom())
        let record = try #require(try file.record("A"))
        let message = SecretRecord.signedMessage(record.line, project: file.project, environment: file.name)
        #expect(message.starts(with: VerificationCache.recordMessagePrefix))
        #expect(!file.header.signedMessage(domain: EnvironmentFile.headerDomain, excluding: ["sig"]).starts(with: VerificationCache.recordMessagePrefix))
    }

    @Test func anEditedOrMovedSegmentHoldsNothingAndTheRestStillDo() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let alice = try Identity.generate()
        let facts = boxes(300)
        let cache = opened(by: alice)
        for box in facts { cache.rememberSealed(box, publicKey: environment.publicKey, opensTo: SecretBytes(copying: random(32))) }
        cache.save()
        let saved = try #require(try FileSystem.readIfExists(path))
        let ranges = segments(saved)
        // Which segment holds which fact: a file holding that segment alone knows only those.
        var holder = [Int](repeating: -1, count: facts.count)
        for index in 1..<VerificationCache.segmentCount where !ranges[index].isEmpty {
            try FileSystem.writeAtomically(path, file(ranges.indices.map { $0 == index ? Array(saved[ranges[$0]]) : [] }), mode: 0o600)
            let alone = opened(by: alice)
            for (i, box) in facts.enumerated() where knows(alone, box) {
                #expect(holder[i] == -1, "one segment per fact")
                holder[i] = index
            }
        }
        #expect(!holder.contains(-1))
        let (x, y, z) = (holder[0], holder.first { $0 != holder[0] }!, holder.first { $0 != holder[0] && $0 != holder[1] && $0 != holder.first { $0 != holder[0] }! }!)
        // Segments x and y swapped (bytes and lengths), one byte of z flipped.
        try FileSystem.writeAtomically(path, file((0..<VerificationCache.segmentCount).map { index in
            var part = Array(saved[ranges[index == x ? y : index == y ? x : index]])
            if index == z { part[part.count / 2] ^= 0x01 }
            return part
        }), mode: 0o600)
        let reopened = opened(by: alice)
        for (box, index) in zip(facts, holder) {
            #expect(knows(reopened, box) == ![x, y, z].contains(index))
        }
        // A file cut short does not fit its table: nothing in it is believed.
        try FileSystem.writeAtomically(path, Array(saved.dropLast()), mode: 0o600)
        let short = opened(by: alice)
        #expect(!facts.contains { knows(short, $0) })
        // Control: the file as saved opens whole.
        try FileSystem.writeAtomically(path, saved, mode: 0o600)
        let control = opened(by: alice)
        #expect(facts.allSatisfy { knows(control, $0) })
    }
}
