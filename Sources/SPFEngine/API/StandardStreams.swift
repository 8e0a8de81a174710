import Foundation

/// Writes to standard output and standard error that never trap.
///
/// Foundation's `FileHandle.write(_:)` traps (SIGILL) when the write fails, for example with ENOSPC
/// when the stream is redirected to a file on a full disk (a node's log under a full cache), or EPIPE
/// when the reader went away. Messages to the user are best effort: a failed write is dropped, and
/// the process goes on to exit with its own status.
public enum StandardStreams {
    /// Writes `text` to standard output.
    public static func out(_ text: String) {
        // try?: nowhere left to report a failed write to stdout (e.g. /dev/full); the exit status still tells
        try? FileHandle.standardOutput.write(contentsOf: Data(text.utf8))
    }

    /// Writes `text` to standard error.
    public static func error(_ text: String) {
        // try?: nowhere left to report a failed write to stderr; the exit status still tells
        try? FileHandle.standardError.write(contentsOf: Data(text.utf8))
    }
}
