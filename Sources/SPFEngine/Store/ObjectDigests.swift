import Foundation

/// The digest of one dataset's decoded data (shape contract: `shape` is row-major, axis 0 chunked).
public struct DatasetDigest: Codable, Sendable, Equatable {
    /// Element type.
    public var type: ElementType
    /// Dataset shape (empty for a scalar).
    public var shape: [Int]
    /// Rows of axis 0 per chunk (0 when the dataset is stored contiguously).
    public var chunkRows: Int
    /// Hex SHA-256 over the header and the SHA-256 of every chunk's decoded bytes, in chunk order.
    public var sha256: String

    /// Makes a digest record.
    public init(type: ElementType, shape: [Int], chunkRows: Int, sha256: String) {
        self.type = type
        self.shape = shape
        self.chunkRows = chunkRows
        self.sha256 = sha256
    }

    /// Combines per-chunk digests (each 32 bytes, in chunk order) into a dataset digest.
    package static func combine(type: ElementType, shape: [Int], chunkRows: Int, chunkDigests: [[UInt8]]) -> DatasetDigest {
        let hasher = SHA256Hasher()
        hasher.update("spfflow.dataset.v1\n\(type.rawValue)\n\(shape.map(String.init).joined(separator: ","))\n\(chunkRows)\n")
        for digest in chunkDigests { hasher.update(digest) }
        return DatasetDigest(type: type, shape: shape, chunkRows: chunkRows, sha256: SHA256.hex(hasher.finish()))
    }
}

/// The digest of an object's auxiliary files directory.
public struct FilesDigest: Codable, Sendable, Equatable {
    /// Number of regular files.
    public var count: Int
    /// Total bytes of the files.
    public var bytes: Int64
    /// Hex SHA-256 over every file's relative path, size and content digest, in path order.
    public var sha256: String

    /// Makes a files digest record.
    public init(count: Int, bytes: Int64, sha256: String) {
        self.count = count
        self.bytes = bytes
        self.sha256 = sha256
    }

    /// Hashes every regular file under `directory`; nil when the directory is missing or empty.
    package static func compute(directory: URL) throws -> FilesDigest? {
        let files = try FileTree.regularFiles(under: directory)
        if files.isEmpty { return nil }
        let hasher = SHA256Hasher()
        var total: Int64 = 0
        for file in files {
            let (size, digest) = try FileTree.sha256(of: directory.appendingPathComponent(file))
            total += size
            hasher.update("\(file)\u{0}\(size)\u{0}")
            hasher.update(digest)
        }
        return FilesDigest(count: files.count, bytes: total, sha256: SHA256.hex(hasher.finish()))
    }
}

/// The digests of everything an object holds: each dataset, the files directory, and their combination.
public struct ObjectDigests: Codable, Sendable, Equatable {
    /// Digest per dataset name.
    public var datasets: [String: DatasetDigest]
    /// Digest of the auxiliary files, when there are any.
    public var files: FilesDigest?
    /// Hex SHA-256 over the dataset names and digests (sorted) and the files digest.
    public var combined: String

    /// Makes the record and computes the combined digest.
    public init(datasets: [String: DatasetDigest], files: FilesDigest?) {
        self.datasets = datasets
        self.files = files
        let hasher = SHA256Hasher()
        hasher.update("spfflow.object.v1\n")
        for name in datasets.keys.sorted() {
            if let d = datasets[name] { hasher.update("\(name)\u{0}\(d.sha256)\n") }
        }
        if let files { hasher.update("files\u{0}\(files.sha256)\n") }
        combined = SHA256.hex(hasher.finish())
    }
}
