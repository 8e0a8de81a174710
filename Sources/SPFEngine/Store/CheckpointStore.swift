import Foundation

/// Partial progress of long nodes: `checkpoints/<key>/<generation>.h5` (+ `.files/`) and the pointer
/// `checkpoints/<key>/current.json`, which is replaced atomically (tmp + fsync + rename) after the
/// new generation is durable. Loading trusts a checkpoint only if it matches the pointer's digests.
public final class CheckpointStore: Sendable {
    /// The pointer to the current checkpoint generation of a key.
    struct Pointer: Codable {
        var generation: Int
        var digests: ObjectDigests
        var stamp: FileStamp?
        var time: Date
    }

    /// The checkpoints directory.
    public let directory: URL
    private let tmpDirectory: URL

    /// Makes a checkpoint store in `directory`, writing temporary files in `tmpDirectory`.
    public init(directory: URL, tmpDirectory: URL) throws {
        self.directory = directory
        self.tmpDirectory = tmpDirectory
        try FileTree.makeDirectory(directory)
        try FileTree.makeDirectory(tmpDirectory)
    }

    /// Writes a new checkpoint for `key` (replacing the previous one once the new one is durable).
    public func save(_ key: String, options: ObjectWriterOptions = ObjectWriterOptions(),
                     _ body: (ObjectWriter) throws -> Void) throws {
        try ObjectStore.validate(key: key)
        let folder = directory.appendingPathComponent(key)
        try FileTree.makeDirectory(folder)
        let previous = pointer(key)
        let generation = (previous?.generation ?? 0) + 1
        let stem = "ckpt.\(key).\(ObjectStore.sanitizedHost).\(ProcessIdentity.pid).\(UUID().uuidString.prefix(8))"
        let writer = try ObjectWriter(url: tmpDirectory.appendingPathComponent(stem + ".h5"),
                                      filesDirectory: tmpDirectory.appendingPathComponent(stem + ".files"), options: options)
        do {
            try body(writer)
            let digests = try writer.close()
            try FileTree.fsync(path: writer.url.path)
            let target = folder.appendingPathComponent("\(generation).h5")
            let targetFiles = folder.appendingPathComponent("\(generation).files")
            FileTree.remove(targetFiles)
            if digests.files != nil {
                try FileTree.fsyncTree(writer.filesDirectory)
                try FileTree.rename(writer.filesDirectory, to: targetFiles)
            } else {
                FileTree.remove(writer.filesDirectory)
            }
            try FileTree.rename(writer.url, to: target)
            try FileTree.fsync(path: folder.path)
            let pointer = Pointer(generation: generation, digests: digests,
                                  stamp: FileStamp.current(file: target, filesDirectory: targetFiles), time: Date())
            let tmpPointer = tmpDirectory.appendingPathComponent(stem + ".json")
            try JSONEncoder.sortedKeys.encode(pointer).write(to: tmpPointer)
            try FileTree.fsync(path: tmpPointer.path)
            try FileTree.rename(tmpPointer, to: folder.appendingPathComponent("current.json"))
            try FileTree.fsync(path: folder.path)
        } catch {
            writer.abandon()
            throw error
        }
        // Older generations are no longer referenced.
        // try?: removing unreferenced older generations only frees space
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [] {
            let stem = name.split(separator: ".").first.map(String.init) ?? ""
            if let g = Int(stem), g != generation { FileTree.remove(folder.appendingPathComponent(name)) }
        }
    }

    /// The current checkpoint of `key`, or nil when there is none or it fails its digests.
    public func load(_ key: String) -> StoredObject? {
        guard let pointer = pointer(key) else { return nil }
        let folder = directory.appendingPathComponent(key)
        let file = folder.appendingPathComponent("\(pointer.generation).h5")
        let files = folder.appendingPathComponent("\(pointer.generation).files")
        guard let stamp = FileStamp.current(file: file, filesDirectory: files),
              // try?: a checkpoint that cannot be opened or verified is never resumed from; training starts again from the beginning
              let object = try? StoredObject(url: file, key: key, filesDirectory: files) else { return nil }
        if stamp != pointer.stamp {
            guard let digests = try? object.computeDigests(), digests == pointer.digests.datasets,
                  (try? FilesDigest.compute(directory: files)) == pointer.digests.files else { return nil }
        }
        return object
    }

    /// Removes the checkpoints of `key` (after its node committed).
    public func remove(_ key: String) {
        FileTree.remove(directory.appendingPathComponent(key))
    }

    /// Keys that have a checkpoint folder.
    public func keys() -> [String] {
        // try?: no checkpoint folder means no checkpoints
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
    }

    private func pointer(_ key: String) -> Pointer? {
        let url = directory.appendingPathComponent(key).appendingPathComponent("current.json")
        // try?: no readable pointer means no checkpoint to resume (see `load`)
        guard let data = try? Data(contentsOf: url) else { return nil }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try? decoder.decode(Pointer.self, from: data)
    }
}
