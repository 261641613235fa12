import Glibc

/// Runs independent work on the machine's cores (at most four threads), for the curve
/// operations of a first read: verifying every record's signature and opening every value key
/// of an environment are independent of each other. Without Foundation or Dispatch, so the
/// read path stays as light as it is.
package enum Parallel {
    /// Below this many items one thread is faster than starting others.
    static let threshold = 24

    static var threads: Int {
        let online = sysconf(Int32(_SC_NPROCESSORS_ONLN))
        return max(1, min(online > 0 ? online : 1, 4))
    }

    /// Calls `body(i)` for every `i` in `0..<count`, each exactly once, spread over threads;
    /// returns when all are done. `body` must be safe to call concurrently.
    package static func forEach(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
        let workers = count < threshold ? 1 : min(threads, count)
        guard workers > 1 else {
            for index in 0..<count { body(index) }
            return
        }
        let chunk = (count + workers - 1) / workers
        var started: [pthread_t] = []
        for worker in 1..<workers {
            let range = (worker * chunk)..<min(count, (worker + 1) * chunk)
            let job = Unmanaged.passRetained(Job { for index in range { body(index) } }).toOpaque()
            var thread = pthread_t()
            if pthread_create(&thread, nil, { raw in
                Unmanaged<Job>.fromOpaque(raw!).takeRetainedValue().run()
                return nil
            }, job) == 0 {
                started.append(thread)
            } else {
                // No thread: do that share here.
                Unmanaged<Job>.fromOpaque(job).takeRetainedValue().run()
            }
        }
        for index in 0..<min(count, chunk) { body(index) }
        for thread in started { pthread_join(thread, nil) }
    }

    /// `transform(i)` for every `i` in `0..<count`, in order, computed by `forEach`.
    package static func map<T: Sendable>(_ count: Int, _ transform: @escaping @Sendable (Int) -> T) -> [T] {
        let results = Results<T>(count)
        forEach(count) { index in results.set(index, transform(index)) }
        return results.values()
    }

    private final class Job: @unchecked Sendable {
        let run: () -> Void
        init(_ run: @escaping () -> Void) { self.run = run }
    }

    /// One slot per item, each written by exactly one thread before `forEach` returns (the
    /// join orders those writes before the read).
    private final class Results<T>: @unchecked Sendable {
        // Raw memory, not an array property: threads writing different slots of a stored
        // array would trip Swift's exclusivity checks.
        private let slots: UnsafeMutablePointer<T?>
        private let count: Int
        init(_ count: Int) {
            self.count = count
            slots = UnsafeMutablePointer<T?>.allocate(capacity: max(count, 1))
            slots.initialize(repeating: nil, count: count)
        }
        func set(_ index: Int, _ value: T) { slots[index] = value }
        func values() -> [T] { (0..<count).map { slots[$0]! } }
        deinit {
            slots.deinitialize(count: count)
            slots.deallocate()
        }
    }
}
