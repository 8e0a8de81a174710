import Foundation

/// Copies a child process's output from a pipe into its output file as it comes, and keeps the end
/// of it in memory for the parent to read the child's last words from.
enum ChildOutput {
    /// How much of the end of the output is kept in memory (the status and error lines are the last ones).
    static let keptBytes = 256 * 1024

    /// Reads `descriptor` until end of file, appending each chunk to `file` (best effort: a file that
    /// cannot take it, on a full disk, does not stop the copy) and returns the last `keptBytes` as text.
    static func copy(from descriptor: Int32, to file: FileHandle) -> String {
        var kept = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var fileWritable = true
        while true {
            let n = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                break
            }
            if n == 0 { break }
            let chunk = buffer[0..<n]
            if fileWritable {
                do { try file.write(contentsOf: Data(chunk)) } catch { fileWritable = false }
            }
            kept.append(contentsOf: chunk)
            if kept.count > 2 * keptBytes { kept.removeFirst(kept.count - keptBytes) }
        }
        if kept.count > keptBytes { kept.removeFirst(kept.count - keptBytes) }
        return String(decoding: kept, as: UTF8.self)
    }
}
