import CSystem
import Glibc
import Synchronization

/// Runs independent work on the machine's cores (at most four threads), for the curve
/// operations of a first read: verifying every record's signature and opening every value key
/// of an environment are independent of each other. Without Foundation or Dispatch, so the
/// read path stays as light as it is.
package enum Parallel {
    /// Below this many items one thread is faster than starting others.
    static let threshold = 24

    /// The CPUs this process may use (its affinity mask: taskset and cgroup cpusets narrow it),
    /// at most four.
    static let threads = max(1, min(Int(secr_usable_cpus()), 4))

    /// Calls `body(i)` for every `i` in `0..<count`, each exactly once, spread over threads;
    /// returns when all are done. `body` must be safe to call concurrently. Items are handed
    /// out one at a time, so a thread that starts late (or shares its CPU) takes fewer of them
    /// instead of holding the others up; the threads it starts avoid the caller's CPU.
    /// `threshold`: the fewest items worth starting threads for (the default suits items of
    /// about a signature's cost; a file to scan is worth a thread on its own).
    package static func forEach(_ count: Int, threshold: Int = Parallel.threshold, _ body: @escaping @Sendable (Int) -> Void) {
        let workers = count < threshold ? 1 : min(threads, count)
        guard workers > 1 else {
            for index in 0..<count { body(index) }
            return
        }
        let queue = WorkQueue(count: count, body: body)
        var started: [pthread_t] = []
        for _ in 1..<workers {
            let job = Unmanaged.passRetained(queue).toOpaque()
            var thread = pthread_t()
            if secr_thread_create_elsewhere(&thread, { raw in
                Unmanaged<WorkQueue>.fromOpaque(raw!).takeRetainedValue().drain()
                return nil
            }, job) == 0 {
                started.append(thread)
            } else {
                Unmanaged<WorkQueue>.fromOpaque(job).release()  // no thread: this one does it all
            }
        }
        queue.drain()
        for thread in started { pthread_join(thread, nil) }
    }

    /// `first()` on this thread and `second()` on another at the same time, when `together`
    /// and a second CPU is allowed (otherwise one after the other); returns when both are done.
    /// For two long steps that do not depend on each other, such as hashing a large file and
    /// writing it elsewhere.
    /// `second` always runs to its end (alone, it runs first), also when `first` throws.
    package static func both<A, B: Sendable>(together: Bool = true, _ first: () throws -> A,
                                            _ second: @escaping @Sendable () -> B) rethrows -> (A, B) {
        let other = Results<B>(1)
        let job = together && threads > 1 ? Unmanaged.passRetained(Job { other.set(0, second()) }).toOpaque() : nil
        var thread = pthread_t()
        guard let job, secr_thread_create_elsewhere(&thread, { raw in
            Unmanaged<Job>.fromOpaque(raw!).takeRetainedValue().body()
            return nil
        }, job) == 0 else {
            if let job { Unmanaged<Job>.fromOpaque(job).release() }  // no thread: one after the other
            let alone = second()
            return (try first(), alone)
        }
        let mine: A
        do {
            mine = try first()
        } catch {
            pthread_join(thread, nil)
            throw error
        }
        pthread_join(thread, nil)
        return (mine, other.values()[0])
    }

    private final class Job: Sendable {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }

    /// The items of one `forEach`, taken by whichever thread is free.
    private final class WorkQueue: Sendable {
        let next = Atomic<Int>(0)
        let count: Int
        let body: @Sendable (Int) -> Void

        init(count: Int, body: @escaping @Sendable (Int) -> Void) {
            self.count = count
            self.body = body
        }

        func drain() {
            while true {
                let index = next.wrappingAdd(1, ordering: .relaxed).oldValue
                guard index < count else { return }
                body(index)
            }
        }
    }

    /// `transform(i)` for every `i` in `0..<count`, in order, computed by `forEach`.
    package static func map<T: Sendable>(_ count: Int, threshold: Int = Parallel.threshold, _ transform: @escaping @Sendable (Int) -> T) -> [T] {
        let results = Results<T>(count)
        forEach(count, threshold: threshold) { index in results.set(index, transform(index)) }
        return results.values()
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
