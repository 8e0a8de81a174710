import Foundation

/// A node's log file: timestamped lines appended as the node runs (thread-safe).
package final class NodeLog: @unchecked Sendable {
    private let handle: FileHandle?
    private let lock = NSLock()
    private let formatter: ISO8601DateFormatter

    /// Opens (creating) `url` for appending.
    package init(url: URL) {
        // try?: a node log is best effort; the run's messages reach the terminal and the run record without it
        try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        if !FileManager.default.fileExists(atPath: url.path) {
            _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        }
        handle = FileHandle(forWritingAtPath: url.path)
        // try?: see init: the log is best effort
        _ = try? handle?.seekToEnd()
        formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    }

    // try?: see init: the log is best effort
    deinit { try? handle?.close() }

    /// Appends one line (newlines inside are kept, each line prefixed).
    package func write(_ message: String) {
        lock.lock()
        defer { lock.unlock() }
        let stamp = formatter.string(from: Date())
        var text = ""
        for line in message.split(separator: "\n", omittingEmptySubsequences: false) {
            text += "\(stamp) \(line)\n"
        }
        // Never `write(_:)`: it traps when the write fails (a full file system must not kill the run).
        // try?: the log is best effort (see init); a full disk must not stop the node
        try? handle?.write(contentsOf: Data(text.utf8))
    }
}
