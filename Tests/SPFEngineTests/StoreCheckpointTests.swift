import Foundation
import SPFEngine
import Testing

@Suite struct StoreCheckpointTests {
    @Test func saveLoadReplaceAndRemove() throws {
        let dir = try storeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try ObjectStore(root: dir)
        let key = storeKey("ckpt")
        #expect(store.checkpoints.load(key) == nil)
        try store.checkpoints.save(key) { w in
            try w.write("step", shape: [1], values: [Int64(10)])
            try w.write("weights", shape: [4, 3], values: (0..<12).map { Float($0) })
        }
        #expect(try store.checkpoints.load(key)?.readInt64s("step").values == [10])
        try store.checkpoints.save(key) { w in
            try w.write("step", shape: [1], values: [Int64(20)])
            try "m".write(to: w.filesDirectory.appendingPathComponent("members.txt"), atomically: false, encoding: .utf8)
        }
        let loaded = try #require(store.checkpoints.load(key))
        #expect(try loaded.readInt64s("step").values == [20])
        #expect(loaded.filesDirectory != nil)
        // Only the current generation is kept.
        let folder = store.checkpoints.directory.appendingPathComponent(key)
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(names == ["2.files", "2.h5", "current.json"])
        // A failed save leaves the previous checkpoint in place and no temporaries.
        struct Stop: Error {}
        #expect(throws: Stop.self) {
            try store.checkpoints.save(key) { w in
                try w.write("step", shape: [1], values: [Int64(30)])
                throw Stop()
            }
        }
        #expect(try store.checkpoints.load(key)?.readInt64s("step").values == [20])
        #expect(try FileManager.default.contentsOfDirectory(atPath: store.tmpDirectory.path).isEmpty)
        store.checkpoints.remove(key)
        #expect(store.checkpoints.load(key) == nil)
    }

    @Test func tamperedCheckpointIsNotLoaded() throws {
        let dir = try storeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try ObjectStore(root: dir)
        let key = storeKey("ckpt-bad")
        try store.checkpoints.save(key) { w in
            try w.write("x", shape: [4096], values: (0..<4096).map { Double($0).squareRoot() })
        }
        let url = store.checkpoints.directory.appendingPathComponent(key).appendingPathComponent("1.h5")
        var bytes = try Data(contentsOf: url)
        bytes[bytes.count / 2] ^= 0xFF
        try bytes.write(to: url)
        #expect(store.checkpoints.load(key) == nil)
    }
}
