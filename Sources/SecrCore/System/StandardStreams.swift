import CSystem
import Glibc

/// What a command's standard streams are connected to.
package enum StandardStreams {
    /// True when `fd` is a pipe (as a CI runner's log is), not a file, terminal or /dev/null.
    package static func isPipe(_ fd: Int32) -> Bool {
        var status = stat()
        return fstat(fd, &status) == 0 && (status.st_mode & S_IFMT) == S_IFIFO
    }

    /// Waits, at most `milliseconds`, until the reader of the pipe `fd` has taken everything
    /// written into it. Returns false on a time-out or when `fd` is no pipe.
    @discardableResult
    package static func waitUntilRead(_ fd: Int32, milliseconds: Int) -> Bool {
        guard isPipe(fd) else { return false }
        for _ in 0..<milliseconds {
            let unread = secr_unread_bytes(fd)
            if unread <= 0 { return unread == 0 }
            usleep(1000)
        }
        return false
    }
}
