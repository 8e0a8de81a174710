import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The append-only commit log `records/commits.jsonl` and its in-memory index (last state per key).
/// Appends are single `write(2)` calls under `flock`, fsynced; a torn last line from a killed
/// process is skipped by readers and terminated by the next writer.
package final class CommitLog: @unchecked Sendable {
    /// The log file.
    package let url: URL
    private let lock = NSLock()
    private var index: [String: CommitRecord] = [:]
    private var offset: Int64 = 0
    private var history: [CommitRecord] = []

    /// Opens (creating the directory) the log at `url`.
    package init(url: URL) throws {
        self.url = url
        try FileTree.makeDirectory(url.deletingLastPathComponent())
    }

    /// The live commit state of a key (commit or verified), nil when never committed or deleted.
    package func record(for key: String) -> CommitRecord? {
        lock.withLock {
            refreshLocked()
            return index[key]
        }
    }

    /// All live records, sorted by key.
    package func liveRecords() -> [CommitRecord] {
        lock.withLock {
            refreshLocked()
            return index.values.sorted { $0.key < $1.key }
        }
    }

    /// Every line read so far, in log order.
    package func allLines() -> [CommitRecord] {
        lock.withLock {
            refreshLocked()
            return history
        }
    }

    /// Appends a record durably and applies it to the index.
    package func append(_ record: CommitRecord) throws {
        var line = try JSONEncoder.sortedKeys.encode(record)
        line.append(0x0A)
        let fd = open(url.path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw StoreError(.io, "cannot open commit log: \(String(cString: strerror(errno)))", path: url.path) }
        defer { close(fd) }
        guard flock(fd, LOCK_EX) == 0 else { throw StoreError(.io, "cannot lock commit log", path: url.path) }
        defer { flock(fd, LOCK_UN) }
        var st = stat()
        let sized = fstat(fd, &st) == 0
        let fresh = sized && st.st_size == 0
        if !fresh, st.st_size > 0 {
            var last: UInt8 = 0
            if pread(fd, &last, 1, off_t(st.st_size - 1)) == 1, last != 0x0A { line.insert(0x0A, at: 0) }
        }
        let written = line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == line.count else {
            // A full file system takes part of a line: cut it off so the log ends where it did (we hold the lock).
            if written < 0 { throw FileTree.systemError("cannot append to the commit log", path: url.path) }
            if sized { _ = ftruncate(fd, off_t(st.st_size)) }
            // A regular file takes part of a write only when its file system is full.
            throw StoreError(.noSpace, "short write to the commit log (\(written) of \(line.count) bytes): no space left on device", path: url.path)
        }
        guard fsync(fd) == 0 else { throw FileTree.systemError("fsync of the commit log failed", path: url.path) }
        if fresh { try FileTree.fsync(path: url.deletingLastPathComponent().path) }  // the new directory entry
        lock.withLock { refreshLocked() }
    }

    private func refreshLocked() {
        let fd = open(url.path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { return }
        let size = Int64(st.st_size)
        if size < offset {  // replaced by a shorter file: start over
            offset = 0
            index = [:]
            history = []
        }
        guard size > offset else { return }
        let length = Int(size - offset)
        var bytes = [UInt8](repeating: 0, count: length)
        let got = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, length, off_t(offset)) }
        guard got == length, let lastNewline = bytes.lastIndex(of: 0x0A) else { return }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        var start = 0
        while start <= lastNewline {
            let end = bytes[start...lastNewline].firstIndex(of: 0x0A) ?? lastNewline
            // try?: a torn last line of a killed writer is not a commit (its object was never renamed into place); skipping it loses nothing
            if end > start, let record = try? decoder.decode(CommitRecord.self, from: Data(bytes[start..<end])) {
                apply(record)
            }
            start = end + 1
        }
        offset += Int64(lastNewline + 1)
    }

    private func apply(_ record: CommitRecord) {
        history.append(record)
        switch record.op {
        case .commit:
            index[record.key] = record
        case .verified:
            if var current = index[record.key] {
                current.stamp = record.stamp
                index[record.key] = current
            }
        case .delete:
            index[record.key] = nil
        }
    }
}
