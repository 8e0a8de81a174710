import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The content-addressed cache directory:
/// `objects/<aa>/<key>.h5` (+ `<key>.files/`), `tmp/`, `records/commits.jsonl` (append-only commit
/// log; a commit line is the commit point), `leases/`, `runs/`, `checkpoints/`.
/// Commit protocol: write under `tmp/`, fsync file and directories, rename into `objects/`, then
/// append the commit record. A file without a record is never read.
public final class ObjectStore: Sendable {
    /// What a lookup found.
    public enum Lookup: Sendable {
        /// A committed object that passed its check.
        case hit(StoredObject)
        /// No commit record, or the object file is gone.
        case missing(reason: String)
        /// The object failed verification (it is never used; recompute it).
        case corrupt(reason: String)
    }

    /// The cache directory.
    public let root: URL
    /// Committed objects.
    public var objectsDirectory: URL { root.appendingPathComponent("objects") }
    /// Temporary files of writes in progress.
    public var tmpDirectory: URL { root.appendingPathComponent("tmp") }
    /// The commit log directory.
    public var recordsDirectory: URL { root.appendingPathComponent("records") }
    /// Run records (the engine's; gc reads `objectKeys` from them).
    public var runsDirectory: URL { root.appendingPathComponent("runs") }
    /// Leases of nodes being computed.
    public let leases: LeaseManager
    /// Partial-progress checkpoints of long nodes.
    public let checkpoints: CheckpointStore

    let log: CommitLog

    /// Opens (creating) a cache directory. With `cleanLeftovers`, removes what killed runs left behind.
    public init(root: URL, cleanLeftovers: Bool = true, leaseTTLSeconds: Double = 120) throws {
        try HDF5Library.ensureReady()
        self.root = root.standardizedFileURL
        for name in ["objects", "tmp", "records", "leases", "runs", "checkpoints"] {
            try FileTree.makeDirectory(self.root.appendingPathComponent(name))
        }
        log = try CommitLog(url: self.root.appendingPathComponent("records/commits.jsonl"))
        leases = try LeaseManager(directory: self.root.appendingPathComponent("leases"), ttlSeconds: leaseTTLSeconds)
        checkpoints = try CheckpointStore(directory: self.root.appendingPathComponent("checkpoints"),
                                          tmpDirectory: self.root.appendingPathComponent("tmp"))
        if cleanLeftovers { _ = try self.cleanLeftovers() }
    }

    /// The committed HDF5 file of a key.
    public func objectURL(_ key: String) -> URL {
        objectsDirectory.appendingPathComponent(String(key.prefix(2))).appendingPathComponent(key + ".h5")
    }

    /// The committed files directory of a key.
    public func filesURL(_ key: String) -> URL {
        objectsDirectory.appendingPathComponent(String(key.prefix(2))).appendingPathComponent(key + ".files")
    }

    /// The object key of output `output` of a node with key `nodeKey`: the node key itself for "out",
    /// else SHA-256 of "nodeKey/output".
    public static func objectKey(nodeKey: String, output: String) -> String {
        output == "out" ? nodeKey : SHA256.hex(of: nodeKey + "/" + output)
    }

    // MARK: Writing

    /// Starts writing the object `key` under `tmp/`; commit it with `commit(_:key:output:info:)`.
    public func beginObject(key: String, options: ObjectWriterOptions = ObjectWriterOptions()) throws -> ObjectWriter {
        try ObjectStore.validate(key: key)
        let stem = "\(key).\(ObjectStore.sanitizedHost).\(ProcessIdentity.pid).\(UUID().uuidString.prefix(8))"
        return try ObjectWriter(url: tmpDirectory.appendingPathComponent(stem + ".h5"),
                                filesDirectory: tmpDirectory.appendingPathComponent(stem + ".files"), options: options)
    }

    /// Commits a written object: close, fsync, rename into `objects/`, append the commit record.
    @discardableResult
    public func commit(_ writer: ObjectWriter, key: String, output: String = "out",
                       info: CommitInfo = CommitInfo()) throws -> CommitRecord {
        let target = objectURL(key), targetFiles = filesURL(key)
        var renamed = false
        do {
            let digests = try writer.close()
            try FileTree.fsync(path: writer.url.path)
            try FileTree.makeDirectory(target.deletingLastPathComponent())
            FileTree.remove(targetFiles)
            if digests.files != nil {
                try FileTree.fsyncTree(writer.filesDirectory)
                try FileTree.rename(writer.filesDirectory, to: targetFiles)
            } else {
                FileTree.remove(writer.filesDirectory)
            }
            try FileTree.rename(writer.url, to: target)
            renamed = true
            try FileTree.fsync(path: target.deletingLastPathComponent().path)
            try FileTree.fsync(path: tmpDirectory.path)
            let stamp = FileStamp.current(file: target, filesDirectory: targetFiles)
            let record = CommitRecord(op: .commit, key: key, output: output, node: info.node, kind: info.kind,
                                      runId: info.runId, digests: digests,
                                      bytes: (stamp?.size ?? 0) + (digests.files?.bytes ?? 0),
                                      wallSeconds: info.wallSeconds, stamp: stamp)
            try log.append(record)
            return record
        } catch {
            writer.abandon()
            // Renamed but never recorded (e.g. the commit log's file system is full): nothing may read it, so
            // it goes now instead of waiting for the orphan sweep (the node's lease keeps others off this key).
            if renamed && log.record(for: key) == nil {
                FileTree.remove(target)
                FileTree.remove(targetFiles)
            }
            throw error
        }
    }

    /// Discards a writer that will not be committed (deletes its temporary files).
    public func abandon(_ writer: ObjectWriter) { writer.abandon() }

    /// Writes and commits an object in one call.
    @discardableResult
    public func writeObject(key: String, output: String = "out", info: CommitInfo = CommitInfo(),
                            options: ObjectWriterOptions = ObjectWriterOptions(),
                            _ body: (ObjectWriter) throws -> Void) throws -> CommitRecord {
        let writer = try beginObject(key: key, options: options)
        do { try body(writer) } catch {
            writer.abandon()
            throw error
        }
        return try commit(writer, key: key, output: output, info: info)
    }

    // MARK: Reading

    /// The live commit record of a key (nil when never committed or deleted).
    public func record(for key: String) -> CommitRecord? { log.record(for: key) }

    /// All live commit records, sorted by key.
    public func records() -> [CommitRecord] { log.liveRecords() }

    /// Looks an object up. It is a hit only with a commit record and a present file whose stat stamp
    /// matches the record, or, when the stamp changed, whose decoded data still matches its digests
    /// (then the new stamp is recorded). Anything else is missing or corrupt, never a hit.
    public func lookup(_ key: String) -> Lookup {
        guard let record = log.record(for: key) else { return .missing(reason: "no commit record") }
        let file = objectURL(key), files = filesURL(key)
        guard let stamp = FileStamp.current(file: file, filesDirectory: files) else {
            return .missing(reason: "object file is gone")
        }
        if stamp == record.stamp {
            do { return .hit(try StoredObject(url: file, key: key, filesDirectory: files)) } catch {
                return .corrupt(reason: "\(error)")
            }
        }
        switch check(record) {
        case .ok:
            // try?: the verified record only spares the next run a re-verification; without it the object is verified again
            try? log.append(CommitRecord(op: .verified, key: key, stamp: stamp))
            do { return .hit(try StoredObject(url: file, key: key, filesDirectory: files)) } catch {
                return .corrupt(reason: "\(error)")
            }
        case .missing(let reason): return .missing(reason: reason)
        case .corrupt(let reason): return .corrupt(reason: reason)
        }
    }

    /// The object if it is a hit, else nil.
    public func open(_ key: String) -> StoredObject? {
        if case .hit(let object) = lookup(key) { return object }
        return nil
    }

    /// Deletes an object: the delete record first, then the files.
    public func delete(_ key: String, reason: String) throws {
        try log.append(CommitRecord(op: .delete, key: key, reason: reason))
        FileTree.remove(objectURL(key))
        FileTree.remove(filesURL(key))
    }

    /// The outcome of fully checking one object against its record.
    package enum CheckOutcome: Equatable {
        case ok
        case missing(String)
        case corrupt(String)
    }

    /// Decodes every dataset of a committed object and compares data and files digests with the record.
    package func check(_ record: CommitRecord) -> CheckOutcome {
        let file = objectURL(record.key), files = filesURL(record.key)
        guard FileTree.exists(file) else { return .missing("object file is gone") }
        guard let expected = record.digests else { return .corrupt("record has no digests") }
        do {
            let object = try StoredObject(url: file, key: record.key, filesDirectory: files)
            let actual = try object.computeDigests()
            for name in expected.datasets.keys.sorted() where actual[name] != expected.datasets[name] {
                return .corrupt("dataset \(name) does not match its digest")
            }
            if actual.count != expected.datasets.count { return .corrupt("dataset list differs from the record") }
            let filesNow = try FilesDigest.compute(directory: files)
            if filesNow != expected.files { return .corrupt("auxiliary files do not match their digest") }
            return .ok
        } catch {
            return .corrupt("\(error)")
        }
    }

    static let sanitizedHost: String = ProcessIdentity.host.map { $0.isLetter || $0.isNumber || $0 == "-" ? $0 : "_" }
        .reduce(into: "") { $0.append($1) }

    static func validate(key: String) throws {
        guard key.count >= 8, key.count <= 128, key.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
            throw StoreError(.invalidArgument, "invalid object key '\(key)' (8-128 ASCII letters and digits)")
        }
    }
}
