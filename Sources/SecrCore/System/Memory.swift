import CSystem

/// How this process's allocator treats memory it frees.
enum Memory {
    /// Keeps freed memory for the next allocation instead of handing it back to the kernel, for
    /// work that allocates and frees large buffers over and over on several threads (a scan
    /// reads one blob per file). See `secr_malloc_keep_freed_memory` for why.
    static func keepFreedMemory() { secr_malloc_keep_freed_memory() }
}
