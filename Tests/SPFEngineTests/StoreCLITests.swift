import Foundation
import SPFEngine
import Testing

/// `spfflow cache ls | verify | gc` against a real cache (the built `spfflow-test-kinds`: its manifests use `test.*` kinds).
@Suite struct StoreCLITests {
    private func binary() -> String { spfflowBinary() }

    private func spfflow(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary())
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["SPFFLOW_CACHE"] = nil
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test func lsVerifyGc() throws {
        let dir = try storeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try ObjectStore(root: dir)
        let good = storeKey("cli-good"), bad = storeKey("cli-bad")
        try store.writeObject(key: good, info: CommitInfo(node: "alpha", kind: "test.generate")) {
            try $0.write("v", shape: [1000], values: (0..<1000).map { Float($0) })
        }
        try store.writeObject(key: bad, info: CommitInfo(node: "beta", kind: "test.scale")) {
            try $0.write("v", shape: [1000], values: (0..<1000).map { Double($0).squareRoot() })
        }
        let ls = try spfflow(["cache", "ls", "--cache", dir.path])
        #expect(ls.status == 0)
        #expect(ls.output.contains("alpha/out") && ls.output.contains("beta/out") && ls.output.contains("2 objects"))
        #expect(try spfflow(["cache", "verify", "--cache", dir.path]).status == 0)

        var bytes = try Data(contentsOf: store.objectURL(bad))
        bytes[bytes.count / 2] ^= 0x01
        try bytes.write(to: store.objectURL(bad))
        let verify = try spfflow(["cache", "verify", "--cache", dir.path])
        #expect(verify.status == 1)
        #expect(verify.output.contains("CORRUPT  \(bad)"))
        #expect(verify.output.contains("ok       \(good)"))

        try store.recordRunObjects(RunObjects(runId: "r1", objectKeys: [good]))
        let dry = try spfflow(["cache", "gc", "--cache", dir.path, "--keep-runs", "1", "--protect-recent", "0", "--dry-run"])
        #expect(dry.status == 0 && dry.output.contains("would delete \(bad)"))
        let gc = try spfflow(["cache", "gc", "--cache", dir.path, "--keep-runs", "1", "--protect-recent", "0", "--max-bytes", "1G"])
        #expect(gc.status == 0 && gc.output.contains("deleted \(bad)") && !gc.output.contains("deleted \(good)"))
        #expect(try spfflow(["cache", "verify", "--cache", dir.path]).status == 0)
        #expect(try spfflow(["cache", "ls", "--cache", dir.appendingPathComponent("nope").path]).status == 2)
        // The cache a manifest declares.
        let manifest = dir.appendingPathComponent("m.yaml")
        try "name: m\ncache: \(dir.path)\nnodes:\n  - id: g\n    kind: test.generate\n".write(to: manifest, atomically: true, encoding: .utf8)
        let viaManifest = try spfflow(["cache", "ls", "--manifest", manifest.path])
        #expect(viaManifest.status == 0 && viaManifest.output.contains("alpha/out"))
        #expect(try spfflow(["cache", "gc", "--cache", dir.path, "--max-bytes", "lots"]).status == 64)
    }
}
