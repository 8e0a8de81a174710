import Foundation

/// Content digests of files and directory trees named by `path` params, with a stat cache so an
/// unchanged file (same inode, size, mtime) is not re-read: verification is a `stat`, not a re-hash.
package final class FileDigester: @unchecked Sendable {
    private struct Entry: Codable {
        var size: Int64
        var mtimeNanos: Int64
        var inode: UInt64
        var digest: String
    }

    private let stateFile: URL?
    private var entries: [String: Entry] = [:]
    private var dirty = false
    private let lock = NSLock()

    /// A digester whose stat cache lives in `stateFile` (nil = in memory only).
    package init(stateFile: URL?) {
        self.stateFile = stateFile
        // try?: the digest memo only saves rehashing unchanged files; without it every file input is hashed
        if let stateFile, let data = try? Data(contentsOf: stateFile),
           let decoded = try? JSONDecoder().decode([String: Entry].self, from: data) {
            entries = decoded
        }
    }

    /// Writes the stat cache back (atomically) if it changed.
    package func save() {
        lock.lock()
        defer { lock.unlock() }
        guard dirty, let stateFile else { return }
        // try?: saving the memo is best effort (see init)
        guard let data = try? JSONEncoder().encode(entries) else { return }
        try? FileManager.default.createDirectory(at: stateFile.deletingLastPathComponent(), withIntermediateDirectories: true)
        let tmp = stateFile.deletingLastPathComponent().appendingPathComponent(".\(stateFile.lastPathComponent).tmp-\(getpid())")
        if (try? data.write(to: tmp)) != nil {
            if rename(tmp.path, stateFile.path) != 0 { try? FileManager.default.removeItem(at: tmp) }
        }
        dirty = false
    }

    /// The digest of a file or (recursively, names included) a directory; `sha256:<hex>`.
    package func digest(path: String) throws -> String {
        var st = stat()
        guard stat(path, &st) == 0 else {
            throw EngineError(.fileInput, "file input '\(path)' does not exist or cannot be read")
        }
        if (st.st_mode & S_IFMT) == S_IFDIR {
            let h = SHA256Hasher()
            let names: [String]
            do { names = try FileManager.default.contentsOfDirectory(atPath: path).sorted() } catch {
                throw EngineError(.fileInput, "cannot list directory '\(path)': \(error.localizedDescription)")
            }
            h.update("dir\n")
            for name in names where !name.hasPrefix(".") {
                let child = path + "/" + name
                h.update(name)
                h.update("\t")
                h.update(try digest(path: child))
                h.update("\n")
            }
            return "sha256:" + SHA256.hex(h.finish())
        }
        let mtime = Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec)
        lock.lock()
        if let e = entries[path], e.size == Int64(st.st_size), e.mtimeNanos == mtime, e.inode == UInt64(st.st_ino) {
            lock.unlock()
            return e.digest
        }
        lock.unlock()
        let d = try hashFile(path)
        lock.lock()
        entries[path] = Entry(size: Int64(st.st_size), mtimeNanos: mtime, inode: UInt64(st.st_ino), digest: d)
        dirty = true
        lock.unlock()
        return d
    }

    private func hashFile(_ path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw EngineError(.fileInput, "cannot open file input '\(path)'")
        }
        // try?: closing a file opened for reading cannot lose data
        defer { try? handle.close() }
        let h = SHA256Hasher()
        h.update("file\n")
        while true {
            let chunk: Data
            do { chunk = try handle.read(upToCount: 4 << 20) ?? Data() } catch {
                throw EngineError(.fileInput, "cannot read file input '\(path)': \(error.localizedDescription)")
            }
            if chunk.isEmpty { break }
            chunk.withUnsafeBytes { raw in if let base = raw.baseAddress { h.update(base, count: raw.count) } }
        }
        return "sha256:" + SHA256.hex(h.finish())
    }
}
