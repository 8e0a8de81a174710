import Foundation
import Testing
import TensorCore

/// One MM-DiT block forward against the committed numpy helper (`Tests/TensorCoreReference/mmdit_reference.py`, Float64).
@Suite struct NumpyReferenceTests {
    @Test func mmditBlockForwardMatchesNumpy() throws {
        let c = try MMDiTConfiguration(width: 32, heads: 4, mlpRatio: 4, conditionWidth: 12)
        let (th, tc) = (7, 5)
        let f = try SingleBlockFixture(c, batch: 2, latentTokens: th, contextTokens: tc, seed: 17, std: 0.2) { Float($0) * 1.5 - 3 }
        let (x, cx, e, rope) = (f.latent, f.context, f.condition, f.rotary)
        let (y, cy, _) = f.forward(threads: 2)

        // Write weights (by state-dictionary name), inputs and rotary tables for the helper.
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tensorcore-ref-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var entries: [(String, [Int], [Float])] = []
        for slot in f.layout.slots { entries.append((slot.name, slot.shape, f.store.value(slot).toArray())) }
        entries.append(("input.latent", x.shape, x.toArray()))
        entries.append(("input.context", cx.shape, cx.toArray()))
        entries.append(("input.condition", e.shape, e.toArray()))
        entries.append(("rope.cos", [th + tc, 4], rope.cos.toArray()))
        entries.append(("rope.sin", [th + tc, 4], rope.sin.toArray()))
        var blob = Data()
        for (_, _, values) in entries { values.withUnsafeBufferPointer { blob.append(Data(buffer: $0)) } }
        try blob.write(to: dir.appendingPathComponent("input.bin"))
        let manifest: [String: Any] = [
            "config": ["heads": c.heads, "epsilon": Double(c.epsilon)],
            "arrays": entries.map { [$0.0, $0.1] as [Any] },
        ]
        try JSONSerialization.data(withJSONObject: manifest).write(to: dir.appendingPathComponent("manifest.json"))

        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("TensorCoreReference/mmdit_reference.py")
        let python = ProcessInfo.processInfo.environment["SPFFLOW_PYTHON"] ?? "python3"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python, script.path, dir.path]
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        process.waitUntilExit()
        let message = String(data: errors.fileHandleForReading.readDataToEndOfFile(), encoding: .utf8) ?? ""
        #expect(process.terminationStatus == 0, "numpy helper failed: \(message)")
        let out = try Data(contentsOf: dir.appendingPathComponent("output.bin"))
        let reference: [Float] = out.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
        let ours = y.toArray() + cy.toArray()
        #expect(reference.count == ours.count)
        guard reference.count == ours.count else { return }
        // Relative error: max |ours − ref| over max |ref| (the outputs are O(1)).
        let scale = reference.map { abs($0) }.max() ?? 1
        let worst = zip(ours, reference).map { abs($0 - $1) }.max() ?? 0
        #expect(worst / scale <= 1e-4, "max |Δ| \(worst), max |ref| \(scale)")
        // The block really changed its inputs (not an identity pass).
        #expect(zip(ours, x.toArray() + cx.toArray()).map { abs($0 - $1) }.max() ?? 0 > 0.1)
    }
}
