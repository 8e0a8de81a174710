import Foundation
import SPFEngine
import Testing

/// The object store and its commit log on a tmpfs that fills up (as root; skipped with the reason
/// otherwise): object writes fail with a `.noSpace` store error naming the temporary file, and leave no
/// temporaries, no object without a record and a log whose every line parses; a commit-log append that
/// the full file system cuts short leaves the log byte for byte as it was.
@Suite(.serialized) struct StoreDiskFullTests {
    /// Writes a file in `directory` until its file system has no byte left; returns the file.
    static func fill(_ directory: URL) throws -> URL {
        let url = directory.appendingPathComponent("filler")
        let fd = open(url.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw StoreError(.io, "cannot create the filler", path: url.path) }
        defer { close(fd) }
        let block = [UInt8](repeating: 0x5A, count: 1 << 16)
        for size in [1 << 16, 4096, 512, 1] {
            while block.withUnsafeBytes({ write(fd, $0.baseAddress, size) }) == size {}
        }
        return url
    }

    @Test(.enabled(if: TmpfsMount.unavailableReason == nil, "\(TmpfsMount.unavailableReason ?? "")"))
    func objectWritesFailWithNoSpaceAndLeaveTheStoreSound() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("spfflow-store-full-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let mount = try TmpfsMount(at: root.appendingPathComponent("tmpfs"), megabytes: 4)
        defer { mount.unmount() }
        let store = try ObjectStore(root: mount.directory.appendingPathComponent("cache"))
        let options = ObjectWriterOptions(compress: false, threads: 1, targetChunkBytes: 64 << 10)
        var committed: [String] = []
        var failure: Error?
        for i in 0..<64 {
            let key = SHA256.hex(of: "fill-\(i)")
            do {
                try store.writeObject(key: key, options: options) {
                    try $0.write("v", shape: [256, 256], values: [Float](repeating: Float(i), count: 256 * 256))
                }
                committed.append(key)
            } catch {
                failure = error
                break
            }
        }
        let error = try #require(failure as? StoreError, "expected a store error once 4 MiB are full, got \(String(describing: failure))")
        #expect(error.code == .noSpace, "\(error)")
        #expect(error.path?.hasPrefix(store.tmpDirectory.path + "/") == true, "\(error)")
        #expect(!committed.isEmpty && committed.count < 16)
        #expect(try FileManager.default.contentsOfDirectory(atPath: store.tmpDirectory.path).isEmpty)
        #expect(store.records().map(\.key) == committed.sorted())
        #expect(store.verify().allSatisfy { $0.status == .ok })
        let objectFiles = try FileManager.default.subpathsOfDirectory(atPath: store.objectsDirectory.path).filter { $0.hasSuffix(".h5") }
        #expect(Set(objectFiles.map { String($0.split(separator: "/")[1].dropLast(3)) }) == Set(committed))
    }

    @Test(.enabled(if: TmpfsMount.unavailableReason == nil, "\(TmpfsMount.unavailableReason ?? "")"))
    func commitLogAppendCutShortLeavesTheLogAsItWas() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("spfflow-log-full-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let mount = try TmpfsMount(at: root.appendingPathComponent("tmpfs"), megabytes: 1)
        defer { mount.unmount() }
        let url = mount.directory.appendingPathComponent("records/commits.jsonl")
        let log = try CommitLog(url: url)
        try log.append(CommitRecord(op: .commit, key: SHA256.hex(of: "first"), node: "first"))
        let before = try Data(contentsOf: url)
        let filler = try Self.fill(mount.directory)
        // Longer than what is left of the log's last page: the write takes part of it, then ENOSPC.
        let long = CommitRecord(op: .delete, key: SHA256.hex(of: "first"), reason: String(repeating: "x", count: 6000))
        do {
            try log.append(long)
            Issue.record("the append succeeded on a full file system")
        } catch let error as StoreError {
            #expect(error.code == .noSpace && error.path == url.path, "\(error)")
        }
        #expect(try Data(contentsOf: url) == before, "the failed append left bytes in the log")
        #expect(log.record(for: SHA256.hex(of: "first")) != nil)

        try FileManager.default.removeItem(at: filler)
        try log.append(long)
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 3 && lines[2].isEmpty, "\(lines.count) lines")
        #expect(try CommitLog(url: url).allLines().map(\.op) == [.commit, .delete])
    }
}
