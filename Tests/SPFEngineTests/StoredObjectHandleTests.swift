import Foundation
import SPFEngine
import Testing

/// A stored object holds no open file between reads, so a node can hold thousands of inputs (`spf.merge` takes one
/// sampler state per member block) without running out of file descriptors or keeping an HDF5 cache per input.
@Suite struct StoredObjectHandleTests {
    static func openDescriptors() throws -> Int { try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/proc/self/fd"), "counts descriptors in /proc/self/fd (Linux)"))
    func heldObjectsKeepNoFileOpen() throws {
        let dir = try storeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try ObjectStore(root: dir)
        let key = storeKey("held-inputs")
        try store.writeObject(key: key, info: CommitInfo(wallSeconds: 1)) { w in
            try w.write("v", shape: [64], values: (0..<64).map(Float.init))
            try w.setAttribute("note", "one of many inputs")
        }
        let url = store.objectURL(key)
        let before = try Self.openDescriptors()
        // More objects than the default descriptor limit (1,024) of a process.
        let held = try (0..<1_500).map { _ in try StoredObject(url: url, key: key) }
        let whileHeld = try Self.openDescriptors()
        #expect(whileHeld - before < 50, "holding 1,500 objects opened \(whileHeld - before) descriptors")
        // Every one still reads (the file is opened again for the read).
        for object in held.prefix(20) {
            #expect(try object.readFloats("v").values == (0..<64).map(Float.init))
            #expect(object.attribute("note") == "one of many inputs")
        }
        #expect(try held[1_499].readFloats("v", rows: 10..<12).values == [10, 11])
        #expect(try Self.openDescriptors() - before < 50)
    }
}
