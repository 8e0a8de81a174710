import Foundation
import SPFEngine
import Testing

/// A 64-hex test key derived from a label.
func storeKey(_ label: String) -> String { SHA256.hex(of: label) }

@Suite struct StoreCommitTests {
    @Test func commitLookupAndFilesDirectory() throws {
        let dir = try storeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try ObjectStore(root: dir)
        let key = storeKey("a")
        #expect(store.open(key) == nil)
        let record = try store.writeObject(key: key, info: CommitInfo(node: "gen", kind: "test.generate", wallSeconds: 1.5)) { w in
            try w.write("v", shape: [4], values: [Float(1), 2, 3, 4])
            try w.setAttribute("spfflow.kind", "test.generate")
            try "hello".write(to: w.filesDirectory.appendingPathComponent("note.txt"), atomically: false, encoding: .utf8)
        }
        #expect(record.op == .commit && record.node == "gen" && record.digests?.files?.count == 1)
        let tmpLeft = try FileManager.default.contentsOfDirectory(atPath: store.tmpDirectory.path)
        #expect(tmpLeft.isEmpty)
        guard case .hit(let object) = store.lookup(key) else {
            Issue.record("expected a hit")
            return
        }
        #expect(try object.readFloats("v").values == [1, 2, 3, 4])
        #expect(object.attribute("spfflow.kind") == "test.generate")
        let note = try String(contentsOf: try #require(object.filesDirectory).appendingPathComponent("note.txt"), encoding: .utf8)
        #expect(note == "hello")
        // A second store instance on the same directory sees the commit through the log.
        let again = try ObjectStore(root: dir)
        #expect(again.record(for: key)?.digests == record.digests)
        #expect(again.open(key) != nil)
    }

    @Test func uncommittedFilesAreIgnoredAndLeftoversCleaned() throws {
        let dir = try storeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try ObjectStore(root: dir)
        let key = storeKey("orphan")
        // A complete, valid HDF5 file placed in objects/ without a commit record (killed between rename and record).
        let writer = try ObjectWriter(creating: store.objectURL(key))
        try writer.write("v", shape: [2], values: [Int32(1), 2])
        try writer.close()
        #expect(FileManager.default.fileExists(atPath: store.objectURL(key).path))
        if case .hit = store.lookup(key) { Issue.record("an object without a commit record was read") }
        // A temporary file of a dead writer (a PID that has exited) and one of this live process.
        let dead = Process()
        dead.executableURL = URL(fileURLWithPath: "/bin/true")
        try dead.run()
        dead.waitUntilExit()
        let pending = try store.beginObject(key: storeKey("pending"))
        try pending.write("v", shape: [1], values: [1.0])
        let pendingName = pending.url.lastPathComponent
        let parts = pendingName.split(separator: ".")
        let deadName = "\(parts[0]).\(parts[1]).\(dead.processIdentifier).deadbeef.h5"
        try Data([1, 2, 3]).write(to: store.tmpDirectory.appendingPathComponent(deadName))
        let report = try store.cleanLeftovers(orphanGraceSeconds: 0)
        #expect(report.temporaries == [deadName])
        #expect(report.orphans == [key + ".h5"])
        #expect(!FileManager.default.fileExists(atPath: store.filesURL(key).path))
        #expect(!FileManager.default.fileExists(atPath: store.objectURL(key).path))
        #expect(FileManager.default.fileExists(atPath: pending.url.path))  // live writer untouched
        store.abandon(pending)
        #expect(!FileManager.default.fileExists(atPath: pending.url.path))
    }

    @Test func corruptObjectIsReportedAndNeverUsed() throws {
        let dir = try storeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try ObjectStore(root: dir)
        let key = storeKey("corrupt")
        let field = storeTestField(t: 64, lat: 16, lon: 32, seed: 3)
        try store.writeObject(key: key) { try $0.write("tas", shape: [64, 16, 32], values: field) }
        #expect(store.verify().map(\.status) == [.ok])
        // Flip one byte in the middle of the file (chunk data), keeping size and mtime.
        let url = store.objectURL(key)
        let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
        var bytes = try Data(contentsOf: url)
        let position = bytes.count / 2
        bytes[position] ^= 0x5A
        try bytes.write(to: url)
        try FileManager.default.setAttributes([.modificationDate: attributes[.modificationDate] as Any], ofItemAtPath: url.path)
        let reports = store.verify()
        #expect(reports.count == 1 && reports[0].status == .corrupt)
        switch store.lookup(key) {
        case .corrupt: break
        case .hit: Issue.record("a corrupt object was used")
        case .missing(let reason): Issue.record("expected corrupt, got missing: \(reason)")
        }
        #expect(store.open(key) == nil)
        // Recomputing commits over it and it is a hit again.
        try store.writeObject(key: key) { try $0.write("tas", shape: [64, 16, 32], values: field) }
        #expect(try store.open(key)?.readFloats("tas").values == field)
        #expect(store.verify().map(\.status) == [.ok])
    }

    @Test func touchedButIntactObjectIsReverifiedAndKept() throws {
        let dir = try storeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try ObjectStore(root: dir)
        let key = storeKey("touched")
        try store.writeObject(key: key) { try $0.write("v", shape: [3], values: [Int64(5), 6, 7]) }
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 1_000_000)],
                                              ofItemAtPath: store.objectURL(key).path)
        #expect(try store.open(key)?.readInt64s("v").values == [5, 6, 7])
        // The new stamp was recorded: the record's stamp now matches the file.
        let record = try #require(store.record(for: key))
        let stamp = try #require(record.stamp)
        let expected: Int64 = 1_000_000 * 1_000_000_000
        #expect(stamp.mtimeNs == expected)
    }

    @Test func missingFileIsMissing() throws {
        let dir = try storeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try ObjectStore(root: dir)
        let key = storeKey("gone")
        try store.writeObject(key: key) { try $0.write("v", shape: [1], values: [1.0]) }
        try FileManager.default.removeItem(at: store.objectURL(key))
        guard case .missing = store.lookup(key) else {
            Issue.record("expected missing")
            return
        }
        #expect(store.verify().map(\.status) == [.missing])
    }
}
