import Glibc
import Synchronization
import Testing
@testable import SecrCore

@Suite struct ParallelTests {
    @Test(arguments: [0, 1, 23, 24, 25, 100, 1_001])
    func everyIndexRunsExactlyOnce(count: Int) {
        let seen = Mutex([Int](repeating: 0, count: count))
        Parallel.forEach(count) { index in seen.withLock { $0[index] += 1 } }
        #expect(seen.withLock { $0 } == [Int](repeating: 1, count: count))
    }

    @Test func mapKeepsTheOrderOfItsItems() {
        let squares = Parallel.map(500) { $0 * $0 }
        #expect(squares == (0..<500).map { $0 * $0 })
    }

    /// `both` runs each closure once and returns both results, on two threads when asked and
    /// one otherwise; when the first throws, the second has still finished before it returns.
    @Test(arguments: [true, false])
    func bothRunsEachOnceAndWaitsForTheOther(together: Bool) throws {
        let runs = Mutex([String: Int]())
        let threads = Mutex([String: UInt]())
        let (a, b) = Parallel.both(together: together, { () -> Int in
            runs.withLock { $0["first", default: 0] += 1 }
            threads.withLock { $0["first"] = UInt(pthread_self()) }
            return 6
        }, {
            runs.withLock { $0["second", default: 0] += 1 }
            threads.withLock { $0["second"] = UInt(pthread_self()) }
            return "seven"
        })
        #expect(a == 6 && b == "seven")
        #expect(runs.withLock { $0 } == ["first": 1, "second": 1])
        let placed = threads.withLock { $0 }
        #expect(placed["first"] == UInt(pthread_self()), "the first runs on the caller's thread")
        #expect((placed["second"] != placed["first"]) == (together && Parallel.threads > 1), "the second on another only when asked and possible")
        struct Refused: Error {}
        let finished = Atomic<Bool>(false)
        #expect(throws: Refused.self) {
            _ = try Parallel.both(together: together, { () throws -> Int in throw Refused() }, {
                usleep(20_000)
                finished.store(true, ordering: .relaxed)
            })
        }
        let ended = finished.load(ordering: .relaxed)
        #expect(ended, "the second closure ended before both returned")
    }

    @Test func unevenWorkIsStillDoneOnceInAll() {
        // One slow item first: with items handed out one at a time the other threads take the
        // rest while it runs, so the slow item's thread does few items.
        let byThread = Mutex([UInt: Int]())
        Parallel.forEach(200) { index in
            if index == 0 { var x = 0.0; for i in 0..<3_000_000 { x += Double(i).squareRoot() }; precondition(x > 0) }
            let me = UInt(pthread_self())
            byThread.withLock { $0[me, default: 0] += 1 }
        }
        let counts = byThread.withLock { $0 }
        #expect(counts.values.reduce(0, +) == 200)
        #expect(Parallel.threads >= 1 && Parallel.threads <= 4)
    }
}
