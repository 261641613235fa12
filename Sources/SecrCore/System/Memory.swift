import CSystem
import Synchronization

/// How this process's allocator treats memory it frees.
enum Memory {
    /// Keeps freed memory for the next allocation instead of handing it back to the kernel, for
    /// work that allocates and frees large buffers over and over on several threads (a scan
    /// reads one blob per file). See `secr_malloc_keep_freed_memory` for why.
    static func keepFreedMemory() { secr_malloc_keep_freed_memory() }
}

/// Memory the secr executable gives back by exiting instead of freeing it object by object.
///
/// A command that read an environment of 10,000 secrets holds 10,000 parsed records, a few
/// hundred thousand small allocations; releasing them one by one just before `exit` was a
/// quarter of `set`'s instructions (183 M of 784 M). Only public data is kept this way: parsed
/// files hold signatures, ciphertexts and sealed boxes, never a key or a value (those live in
/// `SecretBytes`, which are still wiped when they are released).
package enum ExitReclaim {
    /// Set once by the secr executable, whose process ends when its command returns. Off in
    /// any other process (the tests run thousands of commands in one), where keeping would
    /// only grow memory.
    ///
    /// Freed blocks are kept for the next allocation too (`Memory.keepFreedMemory`): a change
    /// to a file of 10,000 secrets reads it, writes it and hashes it, each in a buffer of 5 MB,
    /// and each was a fresh mapping faulted in page by page (2,000 of `set`'s 7,000 page
    /// faults); now a buffer freed is the next one's.
    package static func enable() {
        enabled.store(true, ordering: .relaxed)
        Memory.keepFreedMemory()
    }

    /// Keeps `value` alive until the process exits, when enabled; otherwise does nothing (it is
    /// released by the caller as usual).
    static func keep(_ value: some Any) {
        guard enabled.load(ordering: .relaxed) else { return }
        kept.withLock { $0.append(Kept(value)) }
    }

    private final class Kept: @unchecked Sendable {
        // Never read: only held.
        let value: Any
        init(_ value: Any) { self.value = value }
    }

    private static let enabled = Atomic<Bool>(false)
    private static let kept = Mutex<[Kept]>([])
}
