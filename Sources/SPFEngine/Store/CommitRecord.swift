import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The stat fingerprint of a committed object: if it still matches, the object is trusted without
/// decoding it; if not, the object is fully re-verified against its digests before use.
public struct FileStamp: Codable, Sendable, Equatable {
    /// Size of the HDF5 file in bytes.
    public var size: Int64
    /// Modification time in nanoseconds since the epoch.
    public var mtimeNs: Int64
    /// Status-change time in nanoseconds since the epoch (any write or chmod changes it).
    public var ctimeNs: Int64
    /// Inode number.
    public var inode: UInt64
    /// Hex SHA-256 over (path, size, mtime) of every auxiliary file, when there are any.
    public var filesSignature: String?

    /// Makes a stamp.
    public init(size: Int64, mtimeNs: Int64, ctimeNs: Int64, inode: UInt64, filesSignature: String?) {
        self.size = size
        self.mtimeNs = mtimeNs
        self.ctimeNs = ctimeNs
        self.inode = inode
        self.filesSignature = filesSignature
    }

    /// The current stamp of an object file and its files directory; nil when the file is missing.
    package static func current(file: URL, filesDirectory: URL) -> FileStamp? {
        var st = stat()
        guard stat(file.path, &st) == 0 else { return nil }
        return FileStamp(size: Int64(st.st_size),
                         mtimeNs: Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec),
                         ctimeNs: Int64(st.st_ctim.tv_sec) * 1_000_000_000 + Int64(st.st_ctim.tv_nsec),
                         inode: UInt64(st.st_ino),
                         filesSignature: filesSignature(filesDirectory))
    }

    private static func filesSignature(_ directory: URL) -> String? {
        // try?: no files folder: the object has no side files, and the signature says so
        guard let files = try? FileTree.regularFiles(under: directory), !files.isEmpty else { return nil }
        let hasher = SHA256Hasher()
        for file in files {
            var st = stat()
            guard stat(directory.appendingPathComponent(file).path, &st) == 0 else { continue }
            hasher.update("\(file)\u{0}\(st.st_size)\u{0}\(st.st_mtim.tv_sec).\(st.st_mtim.tv_nsec)\u{0}\(st.st_ino)\n")
        }
        return SHA256.hex(hasher.finish())
    }
}

/// One line of the append-only commit log (`records/commits.jsonl`). The `commit` line is the commit
/// point of an object: a file in `objects/` without one is never read.
public struct CommitRecord: Codable, Sendable, Equatable {
    /// What a record line does.
    public enum Operation: String, Codable, Sendable {
        /// The object was committed.
        case commit
        /// The object was re-verified after its stat stamp changed (updates the stamp).
        case verified
        /// The object was deleted (by gc or because it was found corrupt).
        case delete
    }

    /// Operation.
    public var op: Operation
    /// Object key (64 hex characters).
    public var key: String
    /// Output name of the node that produced it (e.g. "out").
    public var output: String?
    /// Node id in the manifest that produced it.
    public var node: String?
    /// Node kind that produced it.
    public var kind: String?
    /// Run that committed it.
    public var runId: String?
    /// Digests of the decoded data.
    public var digests: ObjectDigests?
    /// Bytes on disk (HDF5 file + auxiliary files).
    public var bytes: Int64?
    /// Wall time the node took, for cost-aware gc.
    public var wallSeconds: Double?
    /// Stat stamp at commit or re-verification.
    public var stamp: FileStamp?
    /// When the line was written.
    public var time: Date
    /// Why (for deletes).
    public var reason: String?

    /// Makes a record.
    public init(op: Operation, key: String, output: String? = nil, node: String? = nil, kind: String? = nil,
                runId: String? = nil, digests: ObjectDigests? = nil, bytes: Int64? = nil, wallSeconds: Double? = nil,
                stamp: FileStamp? = nil, time: Date = Date(), reason: String? = nil) {
        self.op = op
        self.key = key
        self.output = output
        self.node = node
        self.kind = kind
        self.runId = runId
        self.digests = digests
        self.bytes = bytes
        self.wallSeconds = wallSeconds
        self.stamp = stamp
        self.time = time
        self.reason = reason
    }
}

/// What the engine tells the store about an object when committing it.
public struct CommitInfo: Sendable, Equatable {
    /// Node id in the manifest.
    public var node: String?
    /// Node kind.
    public var kind: String?
    /// Run id.
    public var runId: String?
    /// Wall time of the node in seconds.
    public var wallSeconds: Double?

    /// Makes commit info.
    public init(node: String? = nil, kind: String? = nil, runId: String? = nil, wallSeconds: Double? = nil) {
        self.node = node
        self.kind = kind
        self.runId = runId
        self.wallSeconds = wallSeconds
    }
}
