import Foundation
import SPFEngine
import Testing

@Suite struct StoreGCTests {
    @Test func gcKeepsLastRunsAndHonoursBudget() throws {
        let dir = try storeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try ObjectStore(root: dir)
        var keys: [String] = []
        for i in 0..<5 {
            let key = storeKey("gc\(i)")
            keys.append(key)
            try store.writeObject(key: key, info: CommitInfo(wallSeconds: Double(i))) { w in
                try w.write("v", shape: [256], values: (0..<256).map { Double($0 * (i + 1)) })
            }
        }
        // Three runs, oldest first: {0,1}, {1,2}, {2,3}; key 4 belongs to no run.
        for (n, run) in [[0, 1], [1, 2], [2, 3]].enumerated() {
            try store.recordRunObjects(RunObjects(runId: "run\(n)", objectKeys: run.map { keys[$0] }))
            let url = store.runsDirectory.appendingPathComponent("run\(n).objects.json")
            try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: Double(n - 10))], ofItemAtPath: url.path)
        }
        #expect(try store.runReachability().map(\.runId) == ["run2", "run1", "run0"])
        // Everything is recent: nothing deleted with the default protection window.
        let protected = try store.garbageCollect(keepRuns: 2)
        #expect(protected.deleted.isEmpty && protected.protectedRecent == 2)
        // Without protection: keep runs 2 and 1 -> keys 1, 2, 3; delete 0 and 4.
        let dry = try store.garbageCollect(keepRuns: 2, protectRecentSeconds: 0, dryRun: true)
        #expect(Set(dry.deleted) == [keys[0], keys[4]])
        #expect(store.records().count == 5)
        let done = try store.garbageCollect(keepRuns: 2, protectRecentSeconds: 0)
        #expect(Set(done.deleted) == [keys[0], keys[4]])
        #expect(store.records().map(\.key).sorted() == [keys[1], keys[2], keys[3]].sorted())
        #expect(!FileManager.default.fileExists(atPath: store.objectURL(keys[0]).path))
        #expect(store.open(keys[0]) == nil)
        // Budget for about two objects: evict from the older run (run1 only: key 1) first.
        let size = try #require(store.record(for: keys[2])?.bytes)
        let budget = try store.garbageCollect(keepRuns: 2, maxBytes: size * 2 + size / 2, protectRecentSeconds: 0)
        #expect(budget.deleted == [keys[1]])
        #expect(budget.remainingBytes <= size * 2 + size / 2)
        #expect(store.open(keys[2]) != nil && store.open(keys[3]) != nil)
        // A fresh store instance agrees (the delete records are durable).
        let again = try ObjectStore(root: dir)
        #expect(again.records().map(\.key).sorted() == [keys[2], keys[3]].sorted())
    }
}

@Suite struct StoreGCUnreadableRecordTests {
    /// A run record gc cannot read makes gc refuse, naming the file, instead of deleting that run's objects.
    @Test func unreadableRunRecordStopsGCBeforeItDeletes() throws {
        let dir = try storeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try ObjectStore(root: dir)
        let key = storeKey("kept-by-a-torn-record")
        try store.writeObject(key: key, info: CommitInfo(wallSeconds: 1)) { try $0.write("v", shape: [4], values: [1.0, 2, 3, 4]) }
        try store.recordRunObjects(RunObjects(runId: "good", objectKeys: [key]))
        let torn = store.runsDirectory.appendingPathComponent("torn.objects.json")
        try Data(#"{"runId": "torn", "objectKeys": ["#.utf8).write(to: torn)
        do {
            _ = try store.garbageCollect(keepRuns: 0, protectRecentSeconds: 0)
            Issue.record("gc ran over an unreadable run record")
        } catch let error as StoreError {
            #expect(error.code == .badRecord)
            #expect("\(error)".contains("torn.objects.json"))
        }
        #expect(store.open(key) != nil, "nothing may be deleted while a run record is unreadable")
        try FileManager.default.removeItem(at: torn)
        let report = try store.garbageCollect(keepRuns: 0, protectRecentSeconds: 0)
        #expect(report.deleted == [key])
    }
}

@Suite struct StoreCheckpointGCTests {
    @Test func staleCheckpointsAreRemovedByGC() throws {
        let dir = try storeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try ObjectStore(root: dir)
        let old = storeKey("old-ckpt"), fresh = storeKey("fresh-ckpt")
        for key in [old, fresh] { try store.checkpoints.save(key) { try $0.write("step", shape: [1], values: [Int64(1)]) } }
        let pointer = store.checkpoints.directory.appendingPathComponent(old).appendingPathComponent("current.json")
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -30 * 86_400)], ofItemAtPath: pointer.path)
        let report = try store.garbageCollect(keepRuns: 1)
        #expect(report.deletedCheckpoints == [old])
        #expect(store.checkpoints.load(old) == nil)
        #expect(store.checkpoints.load(fresh) != nil)
    }
}
