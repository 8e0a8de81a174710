import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// File-system helpers of the store: durable writes, directory syncs, tree listings and sizes.
package enum FileTree {
    /// fsyncs a file or directory by path.
    package static func fsync(path: String) throws {
        let fd = open(path, O_RDONLY)
        if fd < 0 { throw StoreError(.io, "cannot open for fsync: \(String(cString: strerror(errno)))", path: path) }
        defer { close(fd) }
        if Glibc.fsync(fd) != 0 { throw systemError("fsync failed", path: path) }
    }

    /// fsyncs every regular file and directory under `directory`, then the directory itself.
    package static func fsyncTree(_ directory: URL) throws {
        for file in try regularFiles(under: directory) {
            try fsync(path: directory.appendingPathComponent(file).path)
        }
        try fsync(path: directory.path)
    }

    /// Creates a directory and its parents.
    package static func makeDirectory(_ url: URL) throws {
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            let code = ((error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError)?.code ?? (error as NSError).code
            throw StoreError(FileSystemSpace.isOutOfSpace(errno: Int32(truncatingIfNeeded: code)) ? .noSpace : .io,
                             "cannot create directory: \(error.localizedDescription)", path: url.path)
        }
    }

    /// rename(2), replacing the target.
    package static func rename(_ from: URL, to: URL) throws {
        if Glibc.rename(from.path, to.path) != 0 {
            throw systemError("rename to \(to.path) failed", path: from.path)
        }
    }

    /// The error for a failed system call (reads `errno`): `.noSpace` for ENOSPC and EDQUOT, else `.io`.
    package static func systemError(_ what: String, path: String) -> StoreError {
        let code = errno
        return StoreError(FileSystemSpace.isOutOfSpace(errno: code) ? .noSpace : .io,
                          "\(what): \(String(cString: strerror(code)))", path: path)
    }

    /// Removes a file or directory tree if it exists.
    package static func remove(_ url: URL) {
        // try?: callers use it for temporaries and leftovers only; a failed removal is retried by leftover cleanup
        try? FileManager.default.removeItem(at: url)
    }

    /// Whether a path exists (file or directory).
    package static func exists(_ url: URL) -> Bool {
        var st = stat()
        return lstat(url.path, &st) == 0
    }

    /// Whether a path is a directory.
    package static func isDirectory(_ url: URL) -> Bool {
        var st = stat()
        return stat(url.path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    /// Relative paths of regular files under `directory`, sorted; empty when it does not exist.
    package static func regularFiles(under directory: URL) throws -> [String] {
        guard isDirectory(directory) else { return [] }
        var result: [String] = []
        func walk(_ relative: String) throws {
            let url = relative.isEmpty ? directory : directory.appendingPathComponent(relative)
            let names: [String]
            do { names = try FileManager.default.contentsOfDirectory(atPath: url.path) } catch {
                throw StoreError(.io, "cannot list directory: \(error.localizedDescription)", path: url.path)
            }
            for name in names.sorted() {
                let rel = relative.isEmpty ? name : relative + "/" + name
                var st = stat()
                guard lstat(directory.appendingPathComponent(rel).path, &st) == 0 else { continue }
                let type = st.st_mode & S_IFMT
                if type == S_IFDIR { try walk(rel) } else if type == S_IFREG { result.append(rel) }
            }
        }
        try walk("")
        return result.sorted()
    }

    /// Size and SHA-256 of a file, read in 4 MiB blocks.
    package static func sha256(of url: URL) throws -> (Int64, [UInt8]) {
        let fd = open(url.path, O_RDONLY)
        if fd < 0 { throw StoreError(.io, "cannot open: \(String(cString: strerror(errno)))", path: url.path) }
        defer { close(fd) }
        let hasher = SHA256Hasher()
        let blockSize = 4 << 20
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: blockSize, alignment: 64)
        defer { buffer.deallocate() }
        var total: Int64 = 0
        while true {
            let n = read(fd, buffer, blockSize)
            if n < 0 { throw StoreError(.io, "read failed: \(String(cString: strerror(errno)))", path: url.path) }
            if n == 0 { break }
            hasher.update(buffer, count: n)
            total += Int64(n)
        }
        return (total, hasher.finish())
    }

    /// Total bytes of regular files under a path (a file or a directory tree).
    package static func byteSize(_ url: URL) -> Int64 {
        var st = stat()
        guard lstat(url.path, &st) == 0 else { return 0 }
        if (st.st_mode & S_IFMT) == S_IFREG { return Int64(st.st_size) }
        // try?: a size for display and gc budgets; an unreadable folder counts as empty
        guard (st.st_mode & S_IFMT) == S_IFDIR, let files = try? regularFiles(under: url) else { return 0 }
        var total: Int64 = 0
        for file in files {
            var fs = stat()
            if lstat(url.appendingPathComponent(file).path, &fs) == 0 { total += Int64(fs.st_size) }
        }
        return total
    }
}

/// Memory hints for large result buffers.
package enum MemoryAdvice {
    /// Asks the kernel for transparent huge pages on the 2 MiB-aligned interior of a large buffer
    /// before it is first touched: one fault per 2 MiB instead of per 4 KiB (page faults dominate
    /// filling a fresh multi-hundred-megabyte array on virtual machines). A no-op for small buffers.
    package static func hugePages(_ pointer: UnsafeMutableRawPointer, byteCount: Int) {
        let huge = 2 << 20
        guard byteCount >= 4 * huge else { return }
        let start = (Int(bitPattern: pointer) + huge - 1) & ~(huge - 1)
        let end = (Int(bitPattern: pointer) + byteCount) & ~(huge - 1)
        guard end > start, let aligned = UnsafeMutableRawPointer(bitPattern: start) else { return }
        _ = madvise(aligned, end - start, MADV_HUGEPAGE)
    }
}

